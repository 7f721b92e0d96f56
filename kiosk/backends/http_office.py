"""The supervisor's desk through the API (``/v1/office/...``), for ``kiosk office`` on an http site.

Same methods as ``kiosk.core.office.OfficeDesk``: the server's desk checks and audits each change
(as its token's holder); problem answers become the same errors as on a local day book.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kiosk.backends.api_client import ApiClient, read_token
from kiosk.core.config import Config
from kiosk.core.errors import Reason
from kiosk.core.office import notice_texts

TOKEN_ENV = "ANTRIAN_OFFICE_TOKEN"


def read_office_token(token_file: Path | None) -> str:
    """The supervisor's token from ``token_file`` or ``$ANTRIAN_OFFICE_TOKEN``."""
    return read_token(token_file, TOKEN_ENV, Reason.CONFIG_INVALID)


class HttpOffice(ApiClient):
    def __init__(self, config: Config, token_file: Path | None) -> None:
        base = config.backend.url.rstrip("/") + "/office"
        super().__init__(config, base, read_office_token(token_file), "antrian-office")
        self.config = config

    def close_service(self, who: str, code: str, reason: str) -> None:
        self._call("POST", f"/services/{quote(code.upper(), safe='')}/close", {"reason": reason})

    def open_service(self, who: str, code: str) -> None:
        self._call("POST", f"/services/{quote(code.upper(), safe='')}/open")

    def set_quota(self, who: str, code: str, quota: int, why: str = "") -> None:
        self._call("POST", f"/services/{quote(code.upper(), safe='')}/quota", {"quota": quota, "why": why})

    def pause(self, who: str, counter_id: str, force: bool = False, why: str = "") -> None:
        self._call("POST", f"/counters/{quote(counter_id, safe='')}/pause", {"force": force, "why": why})

    def resume(self, who: str, counter_id: str) -> None:
        self._call("POST", f"/counters/{quote(counter_id, safe='')}/resume")

    def post_notice(self, who: str, text: str, until: time | None = None, text_en: str = "", text_jv: str = "") -> None:
        text, text_en, text_jv = notice_texts(text, text_en, text_jv)  # the banner's limit, said here
        until_text = until.isoformat(timespec="minutes") if until else None
        self._call("POST", "/notice", {"text": text, "text_en": text_en, "text_jv": text_jv, "until": until_text})

    def refer_to_desk(self, who: str, ticket: str, days: int, why: str = "") -> str:
        self._call("POST", "/referrals", {"ticket": ticket, "days": days, "why": why})
        return ticket

    def set_counter_services(self, who: str, counter_id: str, codes: list[str], why: str = "") -> None:
        body = {"services": [c.upper() for c in codes], "why": why}
        self._call("POST", f"/counters/{quote(counter_id, safe='')}/services", body)

    def status(self) -> dict[str, Any]:
        data: dict[str, Any] = self._call("GET", "/status")
        return data
