"""Importing the booking website's CSV/JSON export: bad rows reported by line, good rows in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLE_CONFIG, NIK_MAN_1945, NIK_OTHER_REGION, NIK_WOMAN_1990
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.backends.daybook import DayBook
from kiosk.backends.importer import ImportFileError, ImportResult, parse_rows, read_rows
from kiosk.core import config as config_mod
from kiosk.core.config import Config
from kiosk.core.errors import Reason, Refusal
from kiosk.core.model import BookingStatus
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk

HEADER = "code,nik,name,service,date,slot,site,status\n"
GOOD = [
    f"MGT7K3Q9,{NIK_WOMAN_1990},Siti Aminah,KTP,2026-11-30,08:00,MPP,booked",
    f"MGT4P2X8,{NIK_MAN_1945},Budi Santoso,cetak,2026-11-30,08:20,MPP,",
    f"MGT2B6N4,{NIK_OTHER_REGION},Agus Prasetyo,AKTA,2026-11-30,08:30,KANTOR,terdaftar",
]
BAD = {
    "MGTBAD01,35200117O8450001,Huruf,KTP,2026-11-30,08:00,MPP,booked": "NIK",
    "MGTBAD02,352001170845,Pendek,KTP,2026-11-30,08:00,MPP,booked": "16",
    f"MGTBAD03,{NIK_MAN_1945},Layanan,PASPOR,2026-11-30,08:00,MPP,booked": "layanan",
    f"MGTBAD04,{NIK_MAN_1945},Tanggal,KTP,30/11/2026,08:00,MPP,booked": "date",
    f"MGTBAD05,{NIK_MAN_1945},Jam,KTP,2026-11-30,jam 8,MPP,booked": "slot",
    f"MGTBAD06,{NIK_MAN_1945},Status,KTP,2026-11-30,08:00,MPP,mungkin": "status",
    f"MGTBAD07,{NIK_MAN_1945},,KTP,2026-11-30,08:00,MPP,booked": "name",
    f"??,{NIK_MAN_1945},Kode,KTP,2026-11-30,08:00,MPP,booked": "Kode booking",
    f"MGT7K3Q9,{NIK_MAN_1945},Ganda,KTP,2026-11-30,08:00,MPP,booked": "ganda",
    f"MGTBAD09,Nama Geser,{NIK_MAN_1945},KTP,2026-11-30,08:00,MPP,booked": "NIK",
    f"MGTBAD10,{NIK_MAN_1945},Geser,{NIK_WOMAN_1990},2026-11-30,08:00,MPP,{NIK_OTHER_REGION}": "kolom service",
}


def run_import(path: Path, config: Config, hasher: NikHasher, daybook: DayBook) -> ImportResult:
    result = parse_rows(read_rows(path), config, hasher)
    result.added, result.updated = daybook.upsert_bookings(result.bookings)
    return result


def stored(daybook: DayBook) -> list[tuple[object, ...]]:
    return [tuple(r) for r in daybook._read("SELECT * FROM bookings ORDER BY code")]


def test_a_csv_with_garbage_rows_imports_the_good_ones_and_names_each_bad_line_and_why(
    tmp_path: Path, config: Config, hasher: NikHasher, daybook: DayBook
) -> None:
    lines = GOOD[:1] + list(BAD) + GOOD[1:]
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    result = run_import(path, config, hasher, daybook)
    assert (result.added, result.updated) == (3, 0)
    assert [line for line, _ in result.problems] == list(range(3, 3 + len(BAD)))
    for (line, reason), expected in zip(result.problems, BAD.values(), strict=True):
        assert expected.lower() in reason.lower(), (line, reason)
    assert [r[0] for r in stored(daybook)] == ["MGT2B6N4", "MGT4P2X8", "MGT7K3Q9"]


def test_no_problem_report_repeats_a_nik_even_from_a_shifted_column(
    tmp_path: Path, config: Config, hasher: NikHasher, daybook: DayBook
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "\n".join(BAD) + "\n", encoding="utf-8")
    result = run_import(path, config, hasher, daybook)
    text = repr(result.problems)
    for number in (NIK_MAN_1945, NIK_WOMAN_1990, NIK_OTHER_REGION, "35200117O8450001", "352001170845"):
        assert number not in text


def test_a_json_export_with_bad_items_reports_their_positions(
    tmp_path: Path, config: Config, hasher: NikHasher, daybook: DayBook
) -> None:
    items = [dict(zip(HEADER.strip().split(","), line.split(","), strict=True)) for line in GOOD]
    items.insert(1, {"code": "MGTBADJS", "nik": 3520011708450001, "name": "Angka", "service": "KTP"})
    items.insert(2, "not an object")
    items.insert(3, {**items[0], "code": "MGTBOOL1", "name": True})
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"bookings": items}), encoding="utf-8")
    result = run_import(path, config, hasher, daybook)
    assert result.added == 3
    assert [line for line, _ in result.problems] == [2, 3, 4]


def test_reimporting_updates_in_place_and_a_cancellation_takes_effect(
    tmp_path: Path, config: Config, hasher: NikHasher, daybook: DayBook, kiosk: Kiosk
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "\n".join(GOOD) + "\n", encoding="utf-8")
    run_import(path, config, hasher, daybook)
    again = run_import(path, config, hasher, daybook)
    assert (again.added, again.updated) == (0, 3)
    assert len(stored(daybook)) == 3

    path.write_text(HEADER + GOOD[0].replace(",booked", ",dibatalkan") + "\n", encoding="utf-8")
    run_import(path, config, hasher, daybook)
    with pytest.raises(Refusal) as caught:
        kiosk.check_in("MGT7K3Q9")
    assert caught.value.reason == Reason.BOOKING_CANCELLED
    assert daybook.find_booking("MGT7K3Q9").status == BookingStatus.CANCELLED  # type: ignore[union-attr]


def test_reimporting_never_detaches_a_checked_in_booking_from_its_ticket(
    tmp_path: Path, config: Config, hasher: NikHasher, daybook: DayBook, kiosk: Kiosk
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "\n".join(GOOD) + "\n", encoding="utf-8")
    run_import(path, config, hasher, daybook)
    number = kiosk.check_in("MGT4P2X8").ticket.number
    run_import(path, config, hasher, daybook)
    path.write_text(HEADER + GOOD[1] + "cancelled\n", encoding="utf-8")
    run_import(path, config, hasher, daybook)
    assert daybook.find_booking("MGT4P2X8").ticket_number == number  # type: ignore[union-attr]
    assert [t.number for t in kiosk.tickets_today()] == [number]


def test_a_semicolon_separated_export_from_a_spreadsheet_is_read(
    tmp_path: Path, config: Config, hasher: NikHasher, daybook: DayBook
) -> None:
    path = tmp_path / "export.csv"
    text = HEADER.replace(",", ";") + "\n".join(line.replace(",", ";") for line in GOOD) + "\n"
    path.write_bytes(text.encode("utf-8-sig"))
    assert run_import(path, config, hasher, daybook).added == 3


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "tidak ada"),
        (b"\xff\xfe\x00garbage\x81", "UTF-8"),
        (b'[{"code": "MGT7K3Q9",', "JSON"),
        (b'{"rows": 3}', "daftar"),
        (b"kode,nama\nMGT1,Siti\n", "kolom"),
    ],
)
def test_a_file_that_is_not_an_export_at_all_is_refused_as_a_whole(
    tmp_path: Path, content: bytes | None, words: str
) -> None:
    path = tmp_path / "export.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        list(read_rows(path))  # a wrong header fails at once, a fault deep in the stream on the way
    assert words in str(caught.value)


CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["KTP", "2026-11-30", "08:00", "MPP", "batal", NIK_MAN_1945, "MGT7K3Q9", "25:61", "2026-02-30"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(deadline=None, max_examples=300)
@given(st.lists(st.dictionaries(st.sampled_from([*HEADER.strip().split(","), "extra"]), CELL), max_size=6))
def test_any_garbage_row_is_reported_or_imported_never_a_crash(rows: list[dict[str, object]]) -> None:
    config = config_mod.load(EXAMPLE_CONFIG)
    hasher = NikHasher(b"test-secret-of-at-least-16-bytes")
    result = parse_rows(list(enumerate(rows, start=2)), config, hasher)
    assert len(result.bookings) + len(result.problems) == len(rows)
    for line, reason in result.problems:
        assert 2 <= line < 2 + len(rows) and reason
        assert NIK_MAN_1945 not in reason
