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
    """The ``used`` part of a sync, ready for the ledger: times in WIB, a check-in held by its code.

    The document's date-time (RFC 3339 with offset, years 2000-2099, no leap second) is one
    Python reads; a time it still cannot read is refused rather than stored for every read to trip on.
    """
    out = []
    for index, item in enumerate(items):
        try:
            issued = datetime.fromisoformat(item["issued_at"]).astimezone(WIB)
        except (ValueError, OverflowError):
            raise _invalid(f"used[{index}].issued_at", "not a valid date-time") from None
        holder = item["booking_code"] if item["kind"] == "online" else item["holder"]
        out.append({**item, "holder": holder, "issued_at": issued.isoformat()})
    return out
