# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""The ticket's QR opens the place-in-line page when ``server.public_url`` is set, else it is the id."""

from __future__ import annotations

from pathlib import Path

from calling_support import make_nik, write_site

from kiosk.backends.daybook import DayBook
from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk
from printer.layout import Qr
from printer.service import build_ticket_printer


def qr_of(folder: Path, edits: dict[str, str]) -> tuple[str, str]:
    config = config_mod.load(write_site(folder, edits))
    book = DayBook(config.backend.path, config)
    try:
        ticket = Kiosk(config, book, NikHasher(b"x" * 16), FixedClock(), None).issue_walk_in("KTP", make_nik(1)).ticket
    finally:
        book.close()
    printer = build_ticket_printer(config)
    from printer.layout import paper_for, ticket_layout

    blocks = ticket_layout(ticket, config.site, paper_for(80), "id", None, printer.public_url)
    return next(b.data for b in blocks if isinstance(b, Qr)), ticket.id


def test_with_a_public_url_the_qr_opens_the_tickets_page_and_without_it_holds_the_id(tmp_path: Path) -> None:
    linked, ticket_id = qr_of(
        tmp_path / "linked",
        {
            '# public_url = "http://192.168.1.10:8080"': 'public_url = "http://192.168.1.10:8080/"',
            'open = "07:30"': 'open = "00:00"',
            'close = "15:00"': 'close = "23:59"',
        },
    )
    assert linked == f"http://192.168.1.10:8080/t/{ticket_id}"
    bare, ticket_id = qr_of(
        tmp_path / "bare", {'open = "07:30"': 'open = "00:00"', 'close = "15:00"': 'close = "23:59"'}
    )
    assert bare == ticket_id.upper()
