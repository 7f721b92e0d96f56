"""The importer at its edges: a NIK in a free-text column, a file far too large, a broken or
deeply nested file; and `kiosk import-bookings` only where there is a day book to fill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MONDAY_0800, NIK_MAN_1945, NIK_WOMAN_1990, write_config

from kiosk import cli
from kiosk.backends import importer
from kiosk.backends.importer import ImportFileError, read_rows
from kiosk.core.clock import FixedClock

HEADER = "code,nik,name,service,date,slot,site,status\n"


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: FixedClock(MONDAY_0800))


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("column", "row"),
    [
        ("name", f"MGT7K3Q9,{NIK_WOMAN_1990},{NIK_MAN_1945},KTP,2026-11-30,08:00,MPP,booked"),
        ("site", f"MGT7K3Q9,{NIK_WOMAN_1990},Siti Aminah,KTP,2026-11-30,08:00,3520 0117 0845 0001,booked"),
        ("name", f"MGT7K3Q9,{NIK_WOMAN_1990},Siti {NIK_MAN_1945[:8]}-{NIK_MAN_1945[8:]},KTP,2026-11-30,08:00,MPP,"),
    ],
)
def test_a_nik_typed_into_a_free_text_column_refuses_the_row_and_never_reaches_the_day_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, row: str
) -> None:
    config_path = write_config(tmp_path)
    export = tmp_path / "export.csv"
    good = f"MGT4P2X8,{NIK_MAN_1945},Budi Santoso,CETAK,2026-11-30,08:20,MPP,booked"
    export.write_text(HEADER + row + "\n" + good + "\n", encoding="utf-8")
    code, out, err = run(capsys, "import-bookings", "--config", config_path, export)
    assert code == 0
    assert "1 baru" in out and "1 baris bermasalah" in out
    assert f"baris/line 2: kolom {column} berisi 16 angka" in err
    assert NIK_MAN_1945 not in err + out
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("daybook.sqlite3*"))
    assert NIK_MAN_1945.encode() not in stored and b"3520 0117" not in stored
    assert NIK_WOMAN_1990.encode() not in stored


@pytest.mark.parametrize(
    "written",
    [
        "_".join(NIK_MAN_1945[i : i + 4] for i in range(0, 16, 4)),
        "/".join(NIK_MAN_1945[i : i + 4] for i in range(0, 16, 4)),
        "  ".join(NIK_MAN_1945[i : i + 4] for i in range(0, 16, 4)),
        "--".join(NIK_MAN_1945[i : i + 4] for i in range(0, 16, 4)),
        f"{NIK_MAN_1945[:6]} . {NIK_MAN_1945[6:12]}_/{NIK_MAN_1945[12:]}",
    ],
    ids=["underscores", "slashes", "double-spaces", "double-dashes", "mixed"],
)
def test_a_nik_written_with_any_separators_in_a_free_text_column_never_reaches_the_day_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str
) -> None:
    config_path = write_config(tmp_path)
    export = tmp_path / "export.csv"
    row = f"MGT7K3Q9,{NIK_WOMAN_1990},Siti {written},KTP,2026-11-30,08:00,MPP,booked"
    good = f"MGT4P2X8,{NIK_MAN_1945},Budi Santoso,CETAK,2026-11-30,08:20,MPP,booked"
    export.write_text(HEADER + row + "\n" + good + "\n", encoding="utf-8")
    code, out, err = run(capsys, "import-bookings", "--config", config_path, export)
    assert code == 0 and "1 baru" in out and "1 baris bermasalah" in out
    assert "baris/line 2: kolom name berisi 16 angka" in err
    assert written not in err + out
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("daybook.sqlite3*"))
    assert written.encode() not in stored and NIK_MAN_1945[:4].encode() + b"_" not in stored


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path)
    export = tmp_path / "huge.csv"
    with export.open("wb") as handle:
        handle.truncate(importer.MAX_EXPORT_BYTES + 1)  # sparse: costs no disk and no time
    code, _out, err = run(capsys, "import-bookings", "--config", config_path, export)
    assert code == 2
    assert "lebih dari 8 MB" in err and "ekspor per bulan" in err


def test_a_deeply_nested_json_export_is_a_broken_file_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path)
    export = tmp_path / "export.json"
    export.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, out, err = run(capsys, "import-bookings", "--config", config_path, export)
    assert code == 2
    assert "Terjadi kesalahan" not in err  # not the "unexpected error" of a crash


def test_broken_json_at_the_end_of_an_export_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path)
    item = {
        "code": "MGT7K3Q9",
        "nik": NIK_WOMAN_1990,
        "name": "Siti",
        "service": "KTP",
        "date": "2026-11-30",
        "slot": "08:00",
        "site": "MPP",
    }
    export = tmp_path / "export.json"
    export.write_text(json.dumps([item])[:-1] + ', {"code": ', encoding="utf-8")
    code, _out, err = run(capsys, "import-bookings", "--config", config_path, export)
    assert code == 2
    assert "JSON rusak setelah booking ke-1" in err
    assert run(capsys, "checkin", "--config", config_path, "--code", "MGT7K3Q9", "--json")[0] == 3  # not found


def test_rows_are_read_as_a_stream_not_all_at_once(tmp_path: Path) -> None:
    """The reader hands out the first row before it has read the last one."""
    export = tmp_path / "export.csv"
    rows = [f"MGT{index:05d},{NIK_WOMAN_1990},Siti,KTP,2026-11-30,08:00,MPP,booked" for index in range(20_000)]
    export.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    stream = read_rows(export)
    line, first = next(stream)
    assert (line, first["code"]) == (2, "MGT00000")
    export.write_text(HEADER, encoding="utf-8")  # what is not read yet is not held in memory either
    remaining = sum(1 for _ in stream)
    assert remaining < len(rows) - 1
    with pytest.raises(ImportFileError):
        list(read_rows(tmp_path / "missing.csv"))


def test_import_bookings_on_an_http_kiosk_refuses_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(
        tmp_path,
        {
            'kind = "sqlite"': 'kind = "http"',
            '# url = "https://antrian.example.go.id/api/v1"': 'url = "http://127.0.0.1:9/v1"',
        },
    )
    export = tmp_path / "export.csv"
    export.write_text(HEADER + f"MGT7K3Q9,{NIK_WOMAN_1990},Siti,KTP,2026-11-30,08:00,MPP,booked\n", encoding="utf-8")
    code, _out, err = run(capsys, "import-bookings", "--config", config_path, export)
    assert code == 3
    assert "Impor booking dilakukan di server" in err and "komputer server" in err
    assert not list(tmp_path.glob("daybook.sqlite3*"))
