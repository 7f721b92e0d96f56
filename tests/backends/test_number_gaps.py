"""A number once issued is never issued again that day, even when its ticket is deleted later.

The server deletes tickets nobody holds (a request its kiosk voided, a leased number given back);
their numbers stay gaps. Numbering by the highest ticket still there would give the deleted top
number to the next person, while the first one may still hold a printed ticket with it.
"""

from __future__ import annotations

import re
import sqlite3

from conftest import make_nik

from kiosk.backends.daybook import DayBook
from kiosk.backends.daybook_schema import MIGRATIONS
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.model import WalkInRequest
from kiosk.core.nik import NikHasher


def _walk_in(book: DayBook, hasher: NikHasher, clock: FixedClock, index: int, service: str = "KTP") -> str:
    nik = make_nik(index)
    ticket = book.issue_walk_in(
        WalkInRequest(service, hasher.hash(nik), "3520**********00", None, clock.now(), f"key-{index}")
    )
    return ticket.number


def test_the_number_of_a_deleted_top_ticket_is_never_issued_again(
    config: Config, hasher: NikHasher, clock: FixedClock
) -> None:
    book = DayBook(config.backend.path, config)
    try:
        assert [_walk_in(book, hasher, clock, i) for i in range(3)] == ["A-001", "A-002", "A-003"]
        top = book.find_ticket(clock.now().date(), "A-003")
        assert top is not None
        with book.writing() as tx:
            tx.delete(top.id)  # nobody holds it (a voided request): its number stays a gap
        assert _walk_in(book, hasher, clock, 10) == "A-004"
        assert _walk_in(book, hasher, clock, 11, "CETAK") == "B-001"  # each service its own sequence
    finally:
        book.close()
    reopened = DayBook(config.backend.path, config)  # the mark is on disk, not in memory
    try:
        last = reopened.find_ticket(clock.now().date(), "A-004")
        assert last is not None
        with reopened.writing() as tx:
            tx.delete(last.id)
        assert _walk_in(reopened, hasher, clock, 12) == "A-005"
    finally:
        reopened.close()


def test_every_ticket_deleted_still_leaves_the_day_numbered_after_them(
    config: Config, hasher: NikHasher, clock: FixedClock
) -> None:
    book = DayBook(config.backend.path, config)
    try:
        issued = [_walk_in(book, hasher, clock, i) for i in range(2)]
        with book.writing() as tx:
            for number in issued:
                found = book.find_ticket(clock.now().date(), number)
                assert found is not None
                tx.delete(found.id)
        assert book.tickets(clock.now().date()) == []
        assert _walk_in(book, hasher, clock, 20) == "A-003"
    finally:
        book.close()


def test_a_day_book_of_the_previous_schema_numbers_on_after_its_tickets(
    config: Config, hasher: NikHasher, clock: FixedClock
) -> None:
    """An office upgrading mid-day: the new mark starts from the tickets the file already holds."""
    path = config.backend.path
    book = DayBook(path, config)
    try:
        for i in range(3):
            _walk_in(book, hasher, clock, i)
    finally:
        book.close()
    db = sqlite3.connect(path)
    try:  # the file as the previous program left it: no mark table, schema one version older
        db.execute("DROP TABLE number_marks")
        # ... and without the migrations that came after it (the office's tables)
        marks = next(i for i, m in enumerate(MIGRATIONS) if "CREATE TABLE number_marks" in m)
        for later in MIGRATIONS[marks + 1 :]:
            for table in re.findall(r"CREATE TABLE (\w+)", later):
                db.execute(f"DROP TABLE {table}")
        db.execute(f"PRAGMA user_version = {marks}")
        db.commit()
    finally:
        db.close()
    upgraded = DayBook(path, config)
    try:
        assert upgraded._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        top = upgraded.find_ticket(clock.now().date(), "A-003")
        assert top is not None
        with upgraded.writing() as tx:
            tx.delete(top.id)
        assert _walk_in(upgraded, hasher, clock, 30) == "A-004"
    finally:
        upgraded.close()
