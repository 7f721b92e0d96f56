# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""One site, one secret: a kiosk keyed differently from its server is refused in words.

A kiosk with another site.secret hashes every NIK differently: check-in by NIK would find
nothing and the caps per NIK would start again at zero. It sends its secret's fingerprint (never
the secret) with each call, and the server refuses every call from it; the server itself checks
its secret against its own day book when it starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from api_support import (  # noqa: F401  (fixtures)
    MONDAY_0800,
    NIK_YOUNG,
    SECRET,
    ApiServer,
    hasher,
    kiosk_config,
    server,
    token_hash,
    token_of,
)

from kiosk.backends.daybook import DayBook
from kiosk.bootstrap import build_kiosk
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.errors import Reason, SystemFault
from kiosk.messages import explain
from kiosk.server.app import create_app


def kiosk_with_secret(tmp_path: Path, server: ApiServer, secret: bytes, kiosk_id: str = "MPP-1") -> Config:
    config = kiosk_config(tmp_path / kiosk_id, server.url, kiosk_id)
    config.secret_path.write_bytes(secret)
    return config


def test_a_kiosk_keyed_like_its_server_issues_numbers(tmp_path: Path, server: ApiServer) -> None:
    config = kiosk_with_secret(tmp_path, server, SECRET)
    kiosk = build_kiosk(config, clock=FixedClock(MONDAY_0800), with_printer=False)
    assert kiosk.issue_walk_in("KTP", NIK_YOUNG).ticket.number == "A-001"


def test_a_kiosk_with_another_site_secret_is_refused_with_a_message_and_issues_nothing(
    tmp_path: Path, server: ApiServer
) -> None:
    config = kiosk_with_secret(tmp_path, server, b"another site's secret, 32 bytes!", "MPP-2")
    kiosk = build_kiosk(config, clock=FixedClock(MONDAY_0800), with_printer=False)
    with pytest.raises(SystemFault) as caught:
        kiosk.issue_walk_in("KTP", NIK_YOUNG)
    assert caught.value.reason == Reason.SECRET_MISMATCH
    message = explain(caught.value)
    assert message.title == "Kunci situs kios tidak cocok" and "salin site.secret" in message.hint
    with pytest.raises(SystemFault):
        kiosk.quotas()  # every call, the first status poll at start-up included
    assert server.api.book("").tickets(MONDAY_0800.date()) == []


def test_the_server_refuses_to_start_over_a_day_book_keyed_with_another_secret(
    tmp_path: Path, server: ApiServer
) -> None:
    folder = Path(server.config.backend.path).parent
    book = DayBook(server.config.backend.path, server.config)
    book.close()
    (folder / "site.secret").write_bytes(b"a replaced secret, thirty-two b!")
    with pytest.raises(SystemFault) as caught:
        create_app(server.config, {"MPP-1": token_hash(token_of("MPP-1"))}, FixedClock(MONDAY_0800))
    assert caught.value.reason == Reason.SECRET_MISMATCH
