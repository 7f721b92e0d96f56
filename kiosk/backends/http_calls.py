"""The counters' steps through the booking API (kiosk/server/openapi.yaml), for ``kiosk call`` on http.

Same transport habits as ``kiosk.backends.http``: one ``requests`` session, connect and read
timeouts, TLS verification, retries of POSTs only with their Idempotency-Key (so a repeat gives
the same call, never a second one). A counter signs in with its own token, never the kiosk's.
Problem documents become the same ``Refusal``/``BadInput`` the local day book raises.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import requests

from kiosk.backends.calls import call_from_dict
from kiosk.backends.http import _transport_failure, api_session, read_problem, read_token
from kiosk.core import problems
from kiosk.core.calling import Call, Step
from kiosk.core.config import Config
from kiosk.core.errors import KioskError, Reason, SystemFault

log = logging.getLogger(__name__)

TOKEN_ENV = "ANTRIAN_COUNTER_TOKEN"


def read_counter_token(token_file: Path | None) -> str:
    """The counter's token from ``token_file`` or ``$ANTRIAN_COUNTER_TOKEN``."""
    return read_token(token_file, TOKEN_ENV, Reason.COUNTER_TOKEN_REFUSED)


class HttpCalls:
    """A counter's client of the API: ``step`` and ``counter`` as ``CallBook`` has them locally."""

    def __init__(self, config: Config, token: str) -> None:
        self.base = config.backend.url.rstrip("/")
        self.timeout = (config.backend.connect_timeout_s, config.backend.read_timeout_s)
        self.session = api_session(config, token, "antrian-counter")

    def close(self) -> None:
        self.session.close()

    def _call(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        headers = {"Idempotency-Key": key} if key else {}
        try:
            response = self.session.request(
                method, self.base + path, json=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except requests.exceptions.RequestException as exc:
            kind, what = _transport_failure(exc, self.timeout)
            log.warning("counter call %s %s failed: %s", method, path.split("/")[1], what)
            raise SystemFault(Reason.BACKEND_UNREACHABLE, detail=kind) from None
        if response.status_code >= 400:
            raise self._problem(response)
        try:
            return response.json()
        except ValueError:
            raise SystemFault(Reason.BACKEND_FAULT, detail="malformed") from None

    @staticmethod
    def _problem(response: requests.Response) -> KioskError:
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
