"""The day book under damage: a broken file is a clear SystemFault, never a raw SQLite error."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NIK_MAN_1945, make_nik

from kiosk.backends.daybook import DayBook
from kiosk.backends.daybook_schema import MIGRATIONS
from kiosk.core.config import Config
from kiosk.core.errors import Reason, SystemFault
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk


def test_pages_damaged_inside_a_valid_file_give_a_database_fault_not_a_crash(
    config: Config, hasher: NikHasher, clock: object
) -> None:
    book = DayBook(config.backend.path, config)
    kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=clock)  # type: ignore[arg-type]
    for index in range(100):
        kiosk.issue_walk_in(["KTP", "CETAK", "KK", "AKTA"][index % 4], make_nik(index))
    book._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    book.close()
    path = config.backend.path
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 4096):  # every page but the header page
        data[offset + 8 : offset + 4000] = b"\xa5" * 3992
    path.write_bytes(bytes(data))
    damaged = bytes(data)

    try:
        book = DayBook(path, config)
    except SystemFault as exc:  # the schema itself spans a damaged page: refused at open, same fault
        assert exc.reason == Reason.DATABASE_FAULT
        assert path.read_bytes() == damaged
        return
    kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=clock)  # type: ignore[arg-type]
    for call in (
        lambda: kiosk.issue_walk_in("KTP", NIK_MAN_1945),
        kiosk.quotas,
        kiosk.tickets_today,
        lambda: kiosk.reprint("A-001", technician=True),
        kiosk.daily_report,
    ):
        with pytest.raises(SystemFault) as caught:
            call()
        assert caught.value.reason == Reason.DATABASE_FAULT
    book.close()
    assert path.read_bytes() == damaged


def test_a_day_book_from_a_newer_program_is_refused_not_downgraded(config: Config) -> None:
    book = DayBook(config.backend.path, config)
    book._db.execute("PRAGMA user_version = 99")
    book.close()
    with pytest.raises(SystemFault) as caught:
        DayBook(config.backend.path, config)
    assert "99" in caught.value.params["detail"]


def test_a_folder_where_the_database_file_should_be_is_a_database_fault(config: Config, tmp_path: Path) -> None:
    config.backend.path.mkdir()
    with pytest.raises(SystemFault) as caught:
        DayBook(config.backend.path, config)
    assert caught.value.reason == Reason.DATABASE_FAULT


def test_reopening_a_day_book_keeps_every_ticket_and_the_schema_version(
    config: Config, hasher: NikHasher, clock: object
) -> None:
    book = DayBook(config.backend.path, config)
    kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=clock)  # type: ignore[arg-type]
    kiosk.issue_walk_in("KTP", NIK_MAN_1945)
    book.close()
    book = DayBook(config.backend.path, config)
    try:
        assert [t.number for t in book.tickets(clock.now().date())] == ["A-001"]  # type: ignore[attr-defined]
        assert book._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert book._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert book._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        book.close()


def test_a_full_disk_refuses_the_next_number_cleanly_and_numbering_resumes_without_a_gap(
    config: Config, hasher: NikHasher, clock: object
) -> None:
    book = DayBook(config.backend.path, config)
    kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=clock)  # type: ignore[arg-type]
    kiosk.issue_walk_in("KTP", make_nik(0))
    pages = book._db.execute("PRAGMA page_count").fetchone()[0]
    book._db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full" (SQLITE_FULL)
    issued = ["A-001"]
    with pytest.raises(SystemFault) as caught:
        for index in range(1, 60):
            issued.append(kiosk.issue_walk_in("KTP", make_nik(index)).ticket.number)
    assert caught.value.reason == Reason.DATABASE_FAULT
    assert "full" in caught.value.params["detail"]
    assert [t.number for t in kiosk.tickets_today()] == issued  # nothing half-written
    book._db.execute("PRAGMA max_page_count = 1073741823")
    after = kiosk.issue_walk_in("KTP", make_nik(100)).ticket.number
    assert after == f"A-{len(issued) + 1:03d}"
    book.close()
