"""The checks of a request that the API document cannot express; the document checks the rest.

Shapes, patterns, formats, sizes and unknown fields are the validator's (``contract.py``), run
before a route sees the body. What is left here relates fields to each other or to Python.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kiosk.core.clock import WIB
from kiosk.server.contract import Violation

NIK_HASH = re.compile(r"^[0-9a-f]{64}$")  # the tokens file uses the same 64-hex shape


def _invalid(field: str, problem: str) -> Violation:
    return Violation(
        422, "request_invalid", "The request does not match the API document", [{"field": field, "problem": problem}]
    )


def offline_tickets(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``used`` part of a sync, ready for the ledger: times in WIB, a check-in held by its code."""
    out = []
    for index, item in enumerate(items):
        where = f"used[{index}]"
        try:  # the document's date-time pattern is RFC 3339; Python must read it the same way
            issued = datetime.fromisoformat(item["issued_at"])
        except ValueError:
            raise _invalid(f"{where}.issued_at", "not a valid date-time") from None
        if issued.tzinfo is None:
            raise _invalid(f"{where}.issued_at", "not a valid date-time")
        if item["kind"] == "online" and item["holder"] != item["booking_code"]:
            raise _invalid(f"{where}.holder", "must be the booking code of an online ticket")
        out.append({**item, "issued_at": issued.astimezone(WIB).isoformat()})
    return out
