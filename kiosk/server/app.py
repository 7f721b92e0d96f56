"""The booking API as a Flask app: a day book shared by several kiosks, behind bearer tokens.

Every rule is the day book's (the core rules, applied in one transaction). Errors are RFC 9457
problem documents whose ``code`` is the core ``Reason`` value (``kiosk.core.problems``), so a
kiosk shows the same message as with a local day book. The server's clock is the authority on
"now". Request bodies are never logged: they carry NIK hashes.

``create_app`` reads like Flask's tutorial: the objects, the checks every request passes
(``guard``), then one blueprint per part.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from importlib import resources
from typing import Any

from flask import Flask

from kiosk import bootstrap
from kiosk.backends import secret
from kiosk.backends.daybook import DayBook
from kiosk.backends.kiosk_health import KioskHealthBook
from kiosk.backends.office_book import OfficeBook
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config
from kiosk.core.office import OfficeBrokerList, OfficeDesk
from kiosk.core.problems import PROBLEM_TYPE
from kiosk.server import booking_site, counter_api, guard, kiosk_api, office_api, web
from kiosk.server.contract import Contract, with_service_codes
from kiosk.server.counter_service import CounterService
from kiosk.server.ledger import Ledger
from kiosk.server.service import BookingService
from kiosk.server.tokens import TokenStore, parse_tokens, token_hash

__all__ = ["PROBLEM_TYPE", "BookingApi", "create_app", "load_spec", "load_tokens", "token_hash"]

log = logging.getLogger(__name__)

SPEC_NAME = "openapi.yaml"  # package data of kiosk.server: installed with the server


def load_spec() -> dict[str, Any]:
    import yaml  # type: ignore[import-untyped]

    text = resources.files("kiosk.server").joinpath(SPEC_NAME).read_text(encoding="utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    return spec


def load_tokens(path: Any) -> dict[str, str]:
    """``kiosk id -> sha256 hex`` of the kiosk tokens in a tokens file (strict: a bad line raises)."""
    from kiosk.server.tokens import Role

    found = parse_tokens(path.read_text(encoding="utf-8"), str(path), strict=True)
    return {who.name: digest for digest, who in found.items() if who.role is Role.KIOSK}


class BookingApi:
    """What the routes need: config, clock, who a token belongs to, the services, the document."""

    def __init__(self, config: Config, tokens: TokenStore, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.tokens = tokens
        self.seen: dict[str, datetime] = {}  # kiosk id -> its last request (since this server started)
        self.service = BookingService(config, clock)
        # Each kiosk's latest health report (POST /v1/kiosks/health), kept in the day book: a restart keeps it.
        self.kiosk_health = KioskHealthBook(self.book(""))
        self.office = OfficeDesk(config, OfficeBook(self.book("")), clock)
        self.counters = CounterService(config, clock, bootstrap.build_call_book(config), self.office.store.overrides)
        # The server's own day book holds NIK hashes too: its secret is checked against it here,
        # and every kiosk that sends its fingerprint must have been keyed with the same one.
        self.key_fingerprint = secret.fingerprint(bootstrap.site_key(config, self.book("")))
        self.spec: dict[str, Any] | None = None
        self.contract: Contract | None = None
        try:
            # The document as enforced: the configured service codes become the ServiceCode enum.
            self.spec = with_service_codes(load_spec(), [s.code for s in config.services])
            self.contract = Contract(self.spec)
        except OSError:  # a broken install: nothing to validate with, so refuse
            log.error("API document %s not installed; every call but /v1/health will answer 503", SPEC_NAME)

    @property
    def health(self) -> dict[str, dict[str, Any]]:
        """kiosk id -> its latest health report (printer, unsynced, kiosk_time, reported_at)."""
        return {kiosk: asdict(report) for kiosk, report in self.kiosk_health.latest().items()}

    def book(self, kiosk_id: str) -> DayBook:
        return self.service.book(kiosk_id)

    @property
    def ledger(self) -> Ledger:
        return self.service.ledger

    def kiosk_of(self, header: str | None) -> str | None:
        from kiosk.server.tokens import Role

        who = self.tokens.who_by_header(header)
        return who.name if who is not None and who.role is Role.KIOSK else None

    def close(self) -> None:
        self.counters.close()
        self.service.close()


def create_app(
    config: Config, tokens: Mapping[str, str] | TokenStore | None = None, clock: Clock | None = None
) -> Flask:
    """The WSGI app. Tokens come from ``server.tokens_file`` (read live); ``tokens`` may add fixed
    kiosk tokens (kiosk id -> sha256 hex), or be the store itself."""
    store = tokens if isinstance(tokens, TokenStore) else TokenStore(config.server.tokens_file, tokens)
    app = Flask("antrian-api")
    app.config["MAX_CONTENT_LENGTH"] = config.server.max_body_bytes
    api = BookingApi(config, store, clock or SystemClock())
    app.extensions["antrian"] = api
    app.extensions["antrian_counters"] = api.counters
    guard.init_app(app)
    app.register_blueprint(kiosk_api.blueprint)
    app.register_blueprint(counter_api.blueprint)
    app.register_blueprint(office_api.blueprint)
    app.register_blueprint(web.blueprint)
    # /book: citizens, no token (its own guards); the office's broker list refuses a NIK there too
    booking_site.register(app, config, api.book(""), api.clock, OfficeBrokerList(api.office.store, api.clock))
    return app
