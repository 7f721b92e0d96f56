"""The counters' steps through the booking API (kiosk/server/openapi.yaml), for ``kiosk call`` on http.

Same transport habits as ``kiosk.backends.http`` (both from ``kiosk.backends.api_client``): one
``requests`` session, connect and read timeouts, TLS verification, retries of POSTs only with
their Idempotency-Key (so a repeat gives the same call, never a second one). A counter signs in
with its own token, never the kiosk's. Problem documents become the same ``Refusal``/``BadInput``
the local day book raises.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import requests

from kiosk.backends.api_client import ApiClient, read_problem, read_token
from kiosk.backends.calls import call_from_dict
from kiosk.core import problems
from kiosk.core.calling import Call, Step
from kiosk.core.config import Config
from kiosk.core.errors import KioskError, Reason, SystemFault

log = logging.getLogger(__name__)

TOKEN_ENV = "ANTRIAN_COUNTER_TOKEN"


def read_counter_token(token_file: Path | None) -> str:
    """The counter's token from ``token_file`` or ``$ANTRIAN_COUNTER_TOKEN``."""
    return read_token(token_file, TOKEN_ENV, Reason.COUNTER_TOKEN_REFUSED)


class HttpCalls(ApiClient):
    """A counter's client of the API: ``step`` and ``counter`` as ``CallBook`` has them locally."""

    def __init__(self, config: Config, token: str) -> None:
        super().__init__(config, config.backend.url.rstrip("/"), token, "antrian-counter")

    def _unreachable(self, method: str, path: str, what: str) -> None:
        log.warning("counter call %s %s failed: %s", method, path.split("/")[1], what)

    def _problem(self, response: requests.Response) -> KioskError:
        _reason, code, params = read_problem(response)
        status = response.status_code
        if status in (401, 403):
            return SystemFault(Reason.COUNTER_TOKEN_REFUSED, status=status)
        return problems.error_from(status, code, params) or SystemFault(Reason.BACKEND_FAULT, status=status)

    def step(
        self,
        counter_id: str,
        step: Step,
        key: str,
        ticket_id: str | None = None,
        service_code: str | None = None,
    ) -> Call:
        body: dict[str, str] = {}
        if ticket_id:
            body["ticket_id"] = ticket_id
        if service_code:
            body["service"] = service_code.strip().upper()  # the document lists the configured codes
        data = self._call("POST", f"/counters/{counter_id}/{step.value}", body, key)
        try:
            return call_from_dict(data["call"])
        except (KeyError, ValueError, TypeError):
            raise SystemFault(Reason.BACKEND_FAULT, detail="shape") from None

    def counter(self, counter_id: str) -> dict[str, Any]:
        data: dict[str, Any] = self._call("GET", f"/counters/{counter_id}")
        return data
