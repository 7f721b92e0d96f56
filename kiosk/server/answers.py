"""The server's error answers: RFC 9457 problem documents whose ``code`` is the domain reason.

Status and type come from ``kiosk.core.problems`` (the one table shared with the HTTP clients).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from kiosk.core import problems
from kiosk.core.errors import KioskError


def problem(status: int, code: str, title: str, detail: str = "", **extra: Any) -> Response:
    body: dict[str, Any] = {"type": problems.problem_type(code), "title": title, "status": status, "code": code}
    body.update(extra)
    if detail:
        body["detail"] = detail
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")


def of_error(error: KioskError, title: str, detail: str = "") -> Response:
    """The answer to a domain error: its status, its reason as code, the params a client needs."""
    code = error.reason.value
    return problem(problems.status_of(error), code, title, detail, params=problems.safe_params(error))
