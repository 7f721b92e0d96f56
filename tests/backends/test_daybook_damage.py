"""A damaged day book is refused at start with a technician message (exit 4), never used.

Real bit flips in a real file: the flips that make ``PRAGMA integrity_check`` fail must never
end in a number given twice or a traceback; the schema text damaged refuses every command.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import MONDAY_0800, make_nik

from kiosk import cli
from kiosk.backends.daybook import DayBook
from kiosk.backends.issue_marks import marks_path
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.errors import KioskError, Reason, SystemFault
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk

SERVICES = ["KTP", "CETAK", "KK", "AKTA"]
# Flips go on until this many files fail integrity_check and this many of them are refused at
# start: about half of the flips break a file, and about one in five broken files fails the cheap
# quick_check too (the rest is damage to an index). A fixed number of flips fell short now and then.
BROKEN_WANTED = 24
REFUSED_WANTED = 3
MAX_TRIALS = 600  # some 100 flips give both; this many never fall short


@pytest.fixture
def filled(config: Config, hasher: NikHasher, tmp_path: Path) -> Path:
    """A day book of 120 tickets, checkpointed into its main file, kept as a pristine copy."""
    book = DayBook(config.backend.path, config)
    kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=FixedClock(MONDAY_0800))
    for index in range(120):
        kiosk.issue_walk_in(SERVICES[index % 4], make_nik(index))
    book._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    book.close()
    pristine = tmp_path / "pristine.sqlite3"
    shutil.copy(config.backend.path, pristine)
    shutil.copy(marks_path(config.backend.path), marks_path(pristine))
    return pristine


def _check(path: Path, pragma: str = "integrity_check") -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        return "; ".join(str(row[0]) for row in db.execute(f"PRAGMA {pragma}").fetchall())
    except (sqlite3.DatabaseError, ValueError) as exc:
        return str(exc)
    finally:
        db.close()


def test_bit_flips_that_break_integrity_never_give_a_number_twice_nor_a_traceback(
    config: Config, hasher: NikHasher, filled: Path
) -> None:
    seed = int(os.environ.get("ANTRIAN_FLIP_SEED", random.randrange(1 << 30)))
    print(f"bit flip seed {seed}")
    rng = random.Random(seed)
    size = filled.stat().st_size
    broken = refused = trials = 0
    while (broken < BROKEN_WANTED or refused < REFUSED_WANTED) and trials < MAX_TRIALS:
        trials += 1
        data = bytearray(filled.read_bytes())
        for _ in range(rng.randint(1, 8)):
            offset = rng.randrange(100, size)  # past the 100-byte header: every page, the schema page too
            data[offset] ^= 1 << rng.randrange(8)
        config.backend.path.write_bytes(bytes(data))
        shutil.copy(marks_path(filled), marks_path(config.backend.path))  # the numbers told, undamaged
        for suffix in ("-wal", "-shm"):
            Path(f"{config.backend.path}{suffix}").unlink(missing_ok=True)
        if _check(config.backend.path) == "ok":
            continue
        broken += 1
        detectable = _check(config.backend.path, "quick_check") != "ok"
        try:
            book = DayBook(config.backend.path, config)
        except SystemFault as exc:
            if detectable:  # SQLite can tell at once: the technician's message, never a generic fault
                assert exc.reason == Reason.DAYBOOK_DAMAGED, f"seed {seed}: {exc!r}"
            refused += 1
            continue
        assert not detectable, f"seed {seed}: a file failing quick_check was opened"
        try:  # quick_check passed (an index differs from its table): still never a second A-031
            kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=FixedClock(MONDAY_0800))
            number = kiosk.issue_walk_in("KTP", make_nik(500)).ticket.number
            assert number == "A-031", f"seed {seed}"
        except KioskError:
            pass
        finally:
            book.close()
    # quick_check (cheap enough for every start) refuses broken pages and records; damage to an
    # index alone passes it, and then the numbering above still held in every trial.
    assert broken >= BROKEN_WANTED and refused >= REFUSED_WANTED, (
        f"seed {seed}: {trials} flips, {broken} broken, {refused} refused"
    )
    print(f"{refused} of {broken} files failing integrity_check refused at start")


def test_a_damaged_schema_text_refuses_every_command_with_exit_4_and_no_traceback(
    config: Config, config_path: Path, filled: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: FixedClock(MONDAY_0800))
    data = bytearray(filled.read_bytes())
    at = data.index(b"CREATE TABLE tickets")
    data[at + 20 : at + 24] = b"(((("  # the text SQLite parses at every open
    config.backend.path.write_bytes(bytes(data))
    for argv in (
        ["walkin", "--service", "KTP", "--nik", make_nik(600)],
        ["quota"],
        ["report"],
        ["reprint", "A-001"],
        ["call", "next", "--counter", "1"],
    ):
        code = cli.main([*argv, "--config", str(config_path)])
        out, err = capsys.readouterr()
        assert code == 4, (argv, out, err)
        assert "Buku harian antrean rusak" in err and "Traceback" not in err + out
    assert config.backend.path.read_bytes() == bytes(data)


def test_a_clock_behind_the_last_issue_is_refused_and_the_right_time_issues_again(
    config: Config, hasher: NikHasher
) -> None:
    clock = FixedClock(MONDAY_0800)
    book = DayBook(config.backend.path, config)
    kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=clock)
    assert kiosk.issue_walk_in("KTP", make_nik(1)).ticket.number == "A-001"
    book.close()

    clock.travel(timedelta(days=-400))  # no RTC: booted on last year's date before NTP answered
    book = DayBook(config.backend.path, config)  # a restarted kiosk only knows the file beside the day book
    kiosk = Kiosk(config=config, backend=book, hasher=hasher, clock=clock)
    with pytest.raises(SystemFault) as caught:
        kiosk.issue_walk_in("KTP", make_nik(2))
    assert caught.value.reason == Reason.CLOCK_BEHIND
    assert "30-11-2026" in str(caught.value.params["since"])
    clock.travel(timedelta(days=400, minutes=5))  # NTP answered
    assert kiosk.issue_walk_in("KTP", make_nik(2)).ticket.number == "A-002"
    book.close()
