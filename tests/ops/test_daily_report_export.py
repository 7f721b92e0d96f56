"""The daily public report: its numbers are the day book's, and it carries no personal data."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from kiosk.cli import main
from kiosk.core.model import DailyReport, ReportRow, TicketKind
from kiosk.ops.demo_day import DEMO_PLAN, demo_report_day, made_up_nik
from kiosk.ops.report_export import CSV_HEADER, MIN_HEIGHT, WIDTH, write_report

DAY = date(2026, 11, 30)


@pytest.fixture
def played(tmp_path):
    kiosk, outcome = demo_report_day(tmp_path / "site", DAY)
    yield kiosk, outcome
    kiosk.backend.close()


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_report_counts_exactly_the_tickets_the_day_book_holds(played):
    kiosk, outcome = played
    report = kiosk.daily_report(DAY)
    # What the day did, counted on the side while it happened ...
    for row in report.rows:
        assert outcome.expected[row.service_code] == {
            "bookings": row.bookings,
            "check_ins": row.check_ins,
            "walk_ins": row.walk_ins,
            "no_shows": row.no_shows,
            "priority": row.priority,
        }, row.service_code
    # ... and what the day book holds, ticket by ticket.
    tickets = kiosk.backend.tickets(DAY)
    assert len(tickets) == len(outcome.results) == report.total_tickets
    by_kind = Counter((t.service_code, t.kind) for t in tickets)
    priority = Counter(t.service_code for t in tickets if t.priority is not None)
    for row in report.rows:
        assert row.check_ins == by_kind[(row.service_code, TicketKind.ONLINE)]
        assert row.walk_ins == by_kind[(row.service_code, TicketKind.WALK_IN)]
        assert row.priority == priority[row.service_code]


def test_the_csv_has_one_row_per_service_and_a_total(played, tmp_path):
    kiosk, _ = played
    report = kiosk.daily_report(DAY)
    csv_path, png_path = write_report(report, tmp_path / "out")
    rows = read_csv(csv_path)
    assert list(rows[0]) == CSV_HEADER
    assert [r["kode_layanan"] for r in rows] == [*(s.code for s in kiosk.config.services), "TOTAL"]
    for line, row in zip(rows, report.rows, strict=False):
        assert line["tanggal"] == "2026-11-30"
        assert [int(line[c]) for c in CSV_HEADER[4:-5]] == [
            row.bookings,
            row.check_ins,
            row.walk_ins,
            row.no_shows,
            row.priority,
            row.served,
            row.absent,
        ]
    total = rows[-1]
    assert int(total["hadir"]) + int(total["datang_langsung"]) == report.total_tickets
    assert int(total["booking_online"]) == sum(s.bookings for s in DEMO_PLAN.values())


def test_the_report_files_hold_no_nik_name_booking_code_or_ticket_number(played, tmp_path):
    kiosk, outcome = played
    csv_path, png_path = write_report(kiosk.daily_report(DAY), tmp_path / "out")
    text = csv_path.read_text(encoding="utf-8")
    png = png_path.read_bytes()
    tickets = kiosk.backend.tickets(DAY)
    personal = {made_up_nik(i) for i in range(len(outcome.results) + 100)}
    personal |= {t.booking_code for t in tickets if t.booking_code} | {t.number for t in tickets} | {"Warga"}
    personal |= {t.holder for t in tickets}
    for value in personal:
        assert value not in text
        assert value.encode() not in png


def test_the_picture_is_sized_for_a_social_media_post(played, tmp_path):
    kiosk, _ = played
    _, png_path = write_report(kiosk.daily_report(DAY), tmp_path / "out")
    with Image.open(png_path) as image:
        assert image.format == "PNG"
        assert image.size == (WIDTH, MIN_HEIGHT) == (1080, 1350)


def test_many_services_make_the_picture_longer_not_cramped(tmp_path):
    rows = tuple(ReportRow(f"S{i}", f"Layanan nomor {i} dengan nama panjang sekali", 5, 4, 3, 1, 1) for i in range(9))
    _, png_path = write_report(DailyReport(day=DAY, site="MPP", rows=rows), tmp_path)
    with Image.open(png_path) as image:
        assert image.width == 1080 and image.height > 1350


def test_kiosk_report_out_writes_the_csv_and_the_picture(played, tmp_path, capsys):
    kiosk, _ = played
    out = tmp_path / "posted"
    code = main(["report", "--config", str(kiosk.config.source), "--date", "2026-11-30", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    csv_path = out / "laporan-harian-2026-11-30.csv"
    assert str(csv_path) in printed and (out / "laporan-harian-2026-11-30.png").exists()
    rows = {r["kode_layanan"]: r for r in read_csv(csv_path)}
    assert int(rows["KTP"]["datang_langsung"]) == DEMO_PLAN["KTP"].walk_ins


def test_an_unwritable_report_folder_is_a_fault_with_a_message(played, tmp_path, capsys):
    kiosk, _ = played
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["report", "--config", str(kiosk.config.source), "--date", "2026-11-30", "--out", str(blocker)])
    assert code == 4
    assert "laporan tidak tersimpan" in capsys.readouterr().err


def test_the_picture_shows_each_services_satisfaction_grade_beside_its_counts(tmp_path):
    from kiosk.ops.report_export import GRADE_COLOURS, MARGIN, RATING_W

    rated = ReportRow(
        "KTP", "Perekaman KTP-el", 5, 4, 3, 1, 1, ratings=3, satisfaction_index=91.67, satisfaction_grade="A"
    )
    unrated = ReportRow("KTP", "Perekaman KTP-el", 5, 4, 3, 1, 1)

    def grade_pixels(row: ReportRow, folder: Path) -> int:
        _, png_path = write_report(DailyReport(day=DAY, site="MPP", rows=(row,)), folder)
        with Image.open(png_path) as image:
            column = image.convert("RGB").crop((WIDTH - MARGIN - RATING_W, 0, WIDTH, image.height))
            colours = column.getcolors(maxcolors=WIDTH * image.height) or []
            return sum(count for count, colour in colours if colour == GRADE_COLOURS["A"])

    assert grade_pixels(rated, tmp_path / "rated") > 1000  # the grade's box, in the column right of the bars
    assert grade_pixels(unrated, tmp_path / "unrated") == 0  # no ratings: no column, no grade
    with (tmp_path / "rated" / "laporan-harian-2026-11-30.csv").open(encoding="utf-8") as handle:
        line = next(csv.DictReader(handle))
    assert (line["ikm"], line["mutu_ikm"], line["jumlah_penilaian"]) == ("91.67", "A", "3")
