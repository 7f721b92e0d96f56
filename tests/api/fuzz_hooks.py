"""Schemathesis hooks for tests/api/test_fuzz_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

A real kiosk sends a new Idempotency-Key with every new request; the generator, deterministic,
draws the same few keys again and again for different bodies, which the server rightly refuses
(422 ``idempotency_key_reused``). A well-formed drawn key is replaced by the next one of a
sequence, so each request is a new one; missing or malformed keys are left as drawn.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import schemathesis

KEY = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")
_numbers = itertools.count(1)


def _renew(headers: Any) -> None:
    if not headers:
        return
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and KEY.match(headers[name]):
            headers[name] = f"fuzz-{next(_numbers):010d}"


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    _renew(case.headers)
    _renew(kwargs.get("headers"))
