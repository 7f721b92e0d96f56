"""One ``open_db`` for every SQLite file: migrations for every owner's tables, old files adopted as
they are, and a brand-new site where several commands start at the same instant."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import escpos.capabilities  # noqa: F401  (writes python-escpos's pickle once, before children race to write it)
import pytest
from conftest import MONDAY_0800, NIK_MAN_1945, make_nik, write_config

from kiosk.backends.daybook import DayBook
from kiosk.backends.daybook_schema import MIGRATIONS
from kiosk.backends.offline import STEPS as OFFLINE_STEPS
from kiosk.backends.offline import OfflineStore
from kiosk.backends.sqlite_db import DAYBOOK, Schema, migrate, open_db, version_of
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.errors import SystemFault
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk
from kiosk.server import ledger as ledger_mod

HERE = Path(__file__).resolve().parent
OLD_DAYBOOK = HERE / "data" / "daybook-c58c671.sqlite3"  # made by the code of c58c671 (before open_db)
OLD_OFFLINE = HERE / "data" / "offline-c58c671.sqlite3"


def _tables(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")}


def test_a_day_book_served_by_the_old_code_opens_unchanged_and_keeps_numbering(
    config: Config, hasher: NikHasher
) -> None:
    shutil.copy(OLD_DAYBOOK, config.backend.path)
    before = _tables(config.backend.path)
    book = DayBook(config.backend.path, config)
    try:
        ledger = ledger_mod.Ledger(book, config)
        assert version_of(book._db, DAYBOOK) == len(MIGRATIONS)
        assert version_of(book._db, "api") == len(ledger_mod.STEPS)
        kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=FixedClock(MONDAY_0800))
        held = ["A-001", "A-002", "A-003", "A-004", "A-005", "A-006", "C-001", "C-002"]
        assert sorted(t.number for t in kiosk.tickets_today()) == held
        assert kiosk.issue_walk_in("KTP", NIK_MAN_1945).ticket.number == "A-007"  # after the old lease A-004..6
        assert [n.number for n in ledger.grant(book, "kiosk-2", "KTP", 3, "lease-1", MONDAY_0800)] == [
            "A-004",
            "A-005",
            "A-006",
        ]  # the old lease is still known by its key
    finally:
        book.close()
    after = _tables(config.backend.path)
    assert {name: sql for name, sql in after.items() if name in before} == before  # no table rebuilt
    # Only what later steps add: the versions table, and the office's tables of the day book's
    # newer steps (office_audit's AUTOINCREMENT brings sqlite_sequence), the kiosks' health reports,
    # and the sync conflicts kept for the supervisor.
    assert set(after) - set(before) == {
        "schema_versions",
        "office_overrides",
        "office_audit",
        "sqlite_sequence",
        "kiosk_health",
        "sync_conflicts",
    }


def test_an_offline_store_made_by_the_old_code_opens_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "offline.sqlite3"
    shutil.copy(OLD_OFFLINE, path)
    before = _tables(path)
    store = OfflineStore(path)
    try:
        assert store.rows("SELECT kind, ref, value FROM http_pending") == [("checkin", "B-1", 1)]
        assert version_of(store._db, "http") == len(OFFLINE_STEPS)  # adopted as 1, then moved up
    finally:
        store.close()
    assert {name: sql for name, sql in _tables(path).items() if name in before} == before


def test_a_new_step_of_one_owner_runs_once_and_leaves_the_others_alone(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    lock = threading.RLock()
    first = Schema("first", ("CREATE TABLE first_a (x INTEGER)",))
    second = Schema("second", ("CREATE TABLE second_a (y INTEGER)",))
    db = open_db(path)
    migrate(db, lock, path, first)
    migrate(db, lock, path, second)
    db.execute("INSERT INTO first_a VALUES (1)")
    db.close()

    grown = Schema("first", (*first.steps, "ALTER TABLE first_a ADD COLUMN z TEXT NOT NULL DEFAULT 'new'"))
    for _ in range(2):  # the second open finds nothing to do
        db = open_db(path)
        migrate(db, lock, path, grown)
        migrate(db, lock, path, second)
        assert (version_of(db, "first"), version_of(db, "second"), version_of(db, DAYBOOK)) == (2, 1, 0)
        assert db.execute("SELECT x, z FROM first_a").fetchall() == [(1, "new")]
        db.close()
    db = open_db(path)
    with pytest.raises(SystemFault) as caught:
        migrate(db, lock, path, first)  # an older program meets the grown tables
    assert "newer" in caught.value.params["detail"]
    db.close()


def test_every_store_opens_its_file_with_wal_full_sync_and_a_busy_timeout(config: Config, tmp_path: Path) -> None:
    store = OfflineStore(tmp_path / "offline.sqlite3")
    book = DayBook(config.backend.path, config)
    try:
        for db in (store._db, book._db):
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10000
    finally:
        store.close()
        book.close()


def _walkin_together(barrier: Path, config_path: Path, index: int) -> subprocess.Popen[str]:
    argv = ["walkin", "--config", str(config_path), "--service", "KTP", "--nik", make_nik(100 + index), "--json"]
    return subprocess.Popen(
        [sys.executable, str(HERE / "start_together.py"), str(barrier), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=HERE,
    )


def test_a_walk_in_waits_while_another_process_is_switching_a_new_day_book_to_wal(tmp_path: Path) -> None:
    """The first process on a new file holds it (rollback journal) while it writes the WAL header.

    Here the test holds that lock itself, the way the first process does, for a moment after the
    second process is ready; ``journal_mode = WAL`` used to answer ``database is locked`` at once.
    """
    config_path = write_config(tmp_path)
    path = tmp_path / "daybook.sqlite3"
    first = sqlite3.connect(path, isolation_level=None)
    first.execute("BEGIN IMMEDIATE")  # a new file, still a rollback journal: the reserved lock
    barrier = tmp_path / "go"
    barrier.write_bytes(b"")
    second = _walkin_together(barrier, config_path, 0)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("go.ready.*")) and second.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(1.0)  # shapes the scenario (the switch meets the lock); the verdict never depends on it
    first.execute("ROLLBACK")
    first.close()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert json.loads(out)["ticket"]["number"] == "A-001"


TRIALS = 6
TOGETHER = 4


def test_walk_ins_started_together_on_a_brand_new_site_all_get_a_number(tmp_path: Path) -> None:
    """Switching a new file to WAL must wait out the others, not answer ``database is locked``."""
    failures: list[str] = []
    for trial in range(TRIALS):
        folder = tmp_path / f"site-{trial}"
        folder.mkdir()
        config_path = write_config(folder)
        barrier = folder / "go"
        processes = [_walkin_together(barrier, config_path, index) for index in range(TOGETHER)]
        barrier.write_bytes(b"")
        numbers = []
        for process in processes:
            out, err = process.communicate(timeout=180)
            if process.returncode != 0:
                failures.append(f"trial {trial}: exit {process.returncode}: {err.strip()[-300:]} {out.strip()[-300:]}")
            else:
                numbers.append(json.loads(out)["ticket"]["number"])
        if len(numbers) == TOGETHER:
            assert sorted(numbers) == [f"A-{n:03d}" for n in range(1, TOGETHER + 1)]
    assert failures == []
