"""The daily public report as files: a CSV for the record and a PNG fit to post.

The office posts its daily figures on social media as public accountability. Both files hold
counts per service only: no name, no NIK, no booking code, no ticket number. The picture is
1080 px wide (Instagram/Facebook portrait, 4:5), large type, colours that stay apart for
colour-blind readers (Okabe-Ito), captioned in Indonesian: it is the office's own voice, so it
has no English variant.

The day's office actions (closing a service, today's quota, notices: ``kiosk.core.office``) are
on the picture as citizens need them: what changed, when, why, never who. Supervisors are staff,
not public figures, and a public post names the office's decisions, not the person at the desk;
the full audit log (who, when, what, why) goes into a third file,
``laporan-harian-YYYY-MM-DD-tindakan-kantor.csv``, the office's own record, not for posting.
The picture carries its text as a PNG ``Description`` (the alt text a social media post needs).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from kiosk.core.clock import WIB
from kiosk.core.model import DailyReport, ReportRow
from kiosk.core.office import ACTION_NAMES, action_detail, public_actions
from kiosk.core.privacy import without_nik
from kiosk.core.record import record

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

WIDTH = 1080
MIN_HEIGHT = 1350  # 4:5, the tallest a feed shows uncropped

INK = (33, 37, 41)
MUTED = (96, 104, 112)
PAPER = (255, 255, 255)
BAND = (14, 60, 110)  # deep blue of the header
RULE = (222, 226, 230)


@record
class Measure:
    key: str
    csv_column: str
    label: str
    colour: tuple[int, int, int]


MEASURES = (
    Measure("bookings", "booking_online", "Booking online", (0, 114, 178)),
    Measure("check_ins", "hadir", "Hadir (booking)", (0, 158, 115)),
    Measure("walk_ins", "datang_langsung", "Datang langsung", (230, 159, 0)),
    Measure("no_shows", "tidak_hadir", "Tidak hadir", (213, 94, 0)),
    Measure("priority", "prioritas", "Prioritas", (204, 121, 167)),
)
# From the counters' calls: CSV columns, and one line of text under the service's name in the picture.
COUNTER_MEASURES = (("served", "dilayani"), ("absent", "tidak_hadir_dipanggil"))
# Medians are minutes, not counts: columns after the counts, empty until the counters report calls.
MEDIANS = (("median_wait_minutes", "median_tunggu_menit"), ("median_service_minutes", "median_layanan_menit"))

# The satisfaction index (Permenpan-RB 14/2017): the 25-100 index, its grade A-D, how many ratings.
SATISFACTION = ("ikm", "mutu_ikm", "jumlah_penilaian")

CSV_HEADER = [
    "tanggal",
    "lokasi",
    "kode_layanan",
    "layanan",
    *(m.csv_column for m in MEASURES),
    *(column for _key, column in COUNTER_MEASURES),
    *(column for _key, column in MEDIANS),
    *SATISFACTION,
]


def report_paths(day: date, out_dir: Path) -> tuple[Path, Path]:
    stem = f"laporan-harian-{day.isoformat()}"
    return out_dir / f"{stem}.csv", out_dir / f"{stem}.png"


ACTIONS_HEADER = ["tanggal", "waktu", "petugas", "tindakan", "kode_tindakan", "sasaran", "rincian", "alasan"]


def actions_path(day: date, out_dir: Path) -> Path:
    """The office's record of the day's actions (who, when, what, why), beside the report."""
    return out_dir / f"laporan-harian-{day.isoformat()}-tindakan-kantor.csv"


def write_report(
    report: DailyReport,
    out_dir: Path,
    office: str = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Magetan",
    website: str = "",
    generated_at: datetime | None = None,
) -> tuple[Path, Path]:
    """Write ``laporan-harian-YYYY-MM-DD.csv`` and ``.png`` into ``out_dir``; returns both paths.
    The office's actions go to ``actions_path`` beside them (a header only on a day without any).

    ``generated_at`` is printed on the picture: a report made before closing time shows
    no no-shows yet, and the time says so.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = report_paths(report.day, out_dir)
    write_csv(report, csv_path)
    write_actions_csv(report, actions_path(report.day, out_dir))
    info = PngInfo()
    info.add_itxt("Description", alt_text(report, office))  # iTXt: UTF-8, the en dash of "10.05–13.00"
    draw_chart(report, office, website, generated_at).save(png_path, optimize=True, pnginfo=info)
    return csv_path, png_path


def write_actions_csv(report: DailyReport, path: Path) -> None:
    """One row per office action, in order: when, who (the supervisor's token name), what, why.
    A referral to the information desk names its ticket number, never a NIK."""
    day = report.day.isoformat()
    rows = (
        [
            day,
            entry.at.astimezone(WIB).strftime("%H:%M:%S"),
            entry.who,
            ACTION_NAMES.get(entry.action, entry.action),
            entry.action,
            entry.target,
            action_detail(entry),
            without_nik(entry.why),
        ]
        for entry in report.office_actions
    )
    _write_whole_csv(path, ACTIONS_HEADER, rows)


def public_lines(report: DailyReport) -> list[str]:
    """The day's office actions as the picture shows them (``kiosk.core.office.public_actions``)."""
    return public_actions(report.office_actions, {row.service_code: row.service_name for row in report.rows})


def alt_text(report: DailyReport, office: str) -> str:
    """The picture in words: the day, the totals per service, and what the office changed."""
    lines = [f"Laporan harian pelayanan {long_date(report.day)}, {office}, {report.site}."]
    lines.append(f"{report.total_tickets} nomor antrean diberikan.")
    for row in report.rows:
        lines.append(
            f"{row.service_name}: booking online {row.bookings}, hadir {row.check_ins}, "
            f"datang langsung {row.walk_ins}, tidak hadir {row.no_shows}, prioritas {row.priority}."
        )
    changes = public_lines(report)
    if changes:
        lines.append(f"{ACTIONS_TITLE}:")
        lines.extend(changes)
    return "\n".join(lines)


def write_csv(report: DailyReport, path: Path) -> None:
    """One row per service, then a TOTAL row."""
    day = report.day.isoformat()
    rows: list[list[object]] = [
        [day, report.site, row.service_code, row.service_name, *values(row), *counted(row), *satisfaction(row)]
        for row in report.rows
    ]
    served = [sum(int(getattr(r, key)) for r in report.rows) for key, _column in COUNTER_MEASURES]
    rated = sum(r.ratings for r in report.rows)
    rows.append([day, report.site, "TOTAL", "Semua layanan", *totals(report), *served, "", "", "", "", str(rated)])
    _write_whole_csv(path, CSV_HEADER, rows)


def _write_whole_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Written to a temp file and renamed: never half a file."""
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    tmp.replace(path)


def values(row: ReportRow) -> list[int]:
    return [int(getattr(row, m.key)) for m in MEASURES]


def counted(row: ReportRow) -> list[str]:
    """Served and absent at the counters, then the median wait and service time in minutes (one
    decimal; empty when nobody was called)."""
    out = [str(int(getattr(row, key))) for key, _column in COUNTER_MEASURES]
    for key, _column in MEDIANS:
        value = getattr(row, key)
        out.append("" if value is None else f"{value:.1f}")
    return out


def satisfaction(row: ReportRow) -> list[str]:
    """The index to two decimals, its grade, and the number of ratings (empty index without ratings)."""
    index = "" if row.satisfaction_index is None else f"{row.satisfaction_index:.2f}"
    return [index, row.satisfaction_grade or "", str(row.ratings)]


def totals(report: DailyReport) -> list[int]:
    return [sum(int(getattr(r, m.key)) for r in report.rows) for m in MEASURES]


# -- the picture -------------------------------------------------------------------------------


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)  # Pillow's own font: smaller range, still legible


def fit(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> str:
    """``text`` shortened with an ellipsis until it fits ``width`` pixels."""
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def long_date(day: date) -> str:
    return format_date(day, format="full", locale="id")  # "Senin, 30 November 2026"


MARGIN = 60
HEADER_H = 270
NAME_W = 300  # the left column with the service's name
BAR_H = 20
BAR_GAP = 4
SERVICE_GAP = 16
FOOTER_H = 96
ACTIONS_TITLE = "Perubahan layanan hari ini"
ACTION_LINE_H = 34
ACTIONS_MAX = 8  # lines on the picture; the rest is counted ("dan 3 perubahan lain")


def service_height() -> int:
    return len(MEASURES) * (BAR_H + BAR_GAP) - BAR_GAP + SERVICE_GAP


def draw_chart(
    report: DailyReport, office: str, website: str = "", generated_at: datetime | None = None
) -> Image.Image:
    """The whole picture: header, the day's totals, a legend, a bar group per service, a footer."""
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    legend_rows = _legend(probe, 0, dry_run=True)
    body_top = HEADER_H + 30 + 170 + 24 + legend_rows * 40 + 16
    changes = _shown_changes(report)
    actions_h = 0 if not changes else 24 + 44 + ACTION_LINE_H * len(changes) + 8
    needed = body_top + service_height() * len(report.rows) + actions_h + FOOTER_H
    height = max(MIN_HEIGHT, needed)
    image = Image.new("RGB", (WIDTH, height), PAPER)
    draw = ImageDraw.Draw(image)
    _header(draw, report, office)
    _summary(draw, report, HEADER_H + 30)
    _legend(draw, HEADER_H + 30 + 170 + 24)
    scale_max = max([1, *(v for r in report.rows for v in values(r))])
    y = body_top
    rated = any(r.ratings for r in report.rows)
    for row in report.rows:
        y = _service(draw, row, y, scale_max, rated)
    if changes:
        _changes(draw, changes, y + 24)
    _footer(draw, height, website, generated_at, rated)
    return image


def _shown_changes(report: DailyReport) -> list[str]:
    changes = public_lines(report)
    if len(changes) > ACTIONS_MAX:
        return [*changes[: ACTIONS_MAX - 1], f"dan {len(changes) - ACTIONS_MAX + 1} perubahan lain"]
    return changes


def _changes(draw: ImageDraw.ImageDraw, changes: list[str], top: int) -> None:
    """The office's changes to the day, one line each, under the services."""
    draw.line((MARGIN, top, WIDTH - MARGIN, top), fill=RULE, width=3)
    draw.text((MARGIN, top + 10), ACTIONS_TITLE, font=font(26, True), fill=BAND)
    face = font(22)
    for index, line in enumerate(changes):
        y = top + 54 + index * ACTION_LINE_H
        draw.text((MARGIN, y), fit(draw, f"• {line}", face, WIDTH - 2 * MARGIN), font=face, fill=INK)


def _header(draw: ImageDraw.ImageDraw, report: DailyReport, office: str) -> None:
    draw.rectangle((0, 0, WIDTH, HEADER_H), fill=BAND)
    inner = WIDTH - 2 * MARGIN
    draw.text((MARGIN, 40), "LAPORAN HARIAN PELAYANAN", font=font(30, True), fill=(173, 205, 235))
    draw.text((MARGIN, 82), fit(draw, long_date(report.day), font(58, True), inner), font=font(58, True), fill=PAPER)
    draw.text((MARGIN, 164), fit(draw, office, font(28), inner), font=font(28), fill=PAPER)
    draw.text((MARGIN, 204), fit(draw, report.site, font(28, True), inner), font=font(28, True), fill=PAPER)


def _summary(draw: ImageDraw.ImageDraw, report: DailyReport, top: int) -> None:
    by_key = dict(zip((m.key for m in MEASURES), totals(report), strict=True))
    figures = (
        (report.total_tickets, "nomor antrean\ndiberikan"),
        (by_key["check_ins"], "booking online\nhadir"),
        (by_key["walk_ins"], "warga datang\nlangsung"),
        (by_key["priority"], "layanan\nprioritas"),
    )
    column = (WIDTH - 2 * MARGIN) // len(figures)
    for index, (number, caption) in enumerate(figures):
        x = MARGIN + index * column
        draw.text((x, top), f"{number:,}".replace(",", "."), font=font(72, True), fill=BAND if index else INK)
        draw.multiline_text((x, top + 86), caption, font=font(24), fill=MUTED, spacing=4)
    draw.line((MARGIN, top + 170, WIDTH - MARGIN, top + 170), fill=RULE, width=3)


def _legend(draw: ImageDraw.ImageDraw, top: int, dry_run: bool = False) -> int:
    """Draw the colour key (or only measure it); returns how many rows it takes."""
    face = font(24)
    x, y, rows = MARGIN, top, 1
    for measure in MEASURES:
        width = 34 + int(draw.textlength(measure.label, font=face)) + 36
        if x + width > WIDTH - MARGIN:
            x, y, rows = MARGIN, y + 40, rows + 1
        if not dry_run:
            draw.rounded_rectangle((x, y + 4, x + 24, y + 28), radius=5, fill=measure.colour)
            draw.text((x + 34, y + 2), measure.label, font=face, fill=INK)
        x += width
    return rows


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> str:
    """At most two lines; the second shortened with an ellipsis if it must be."""
    words, lines = text.split(), [""]
    for word in words:
        candidate = f"{lines[-1]} {word}".strip()
        if draw.textlength(candidate, font=face) <= width or not lines[-1]:
            lines[-1] = candidate
        elif len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}"
    return "\n".join(fit(draw, line, face, width) for line in lines)


def _service(draw: ImageDraw.ImageDraw, row: ReportRow, top: int, scale_max: int, rated: bool = False) -> int:
    name_face, number_face = font(28, True), font(22, True)
    block = service_height() - SERVICE_GAP
    name = _wrap(draw, row.service_name, name_face, NAME_W - 20)
    box = draw.multiline_textbbox((0, 0), name, font=name_face, spacing=6)
    draw.multiline_text((MARGIN, top + (block - box[3]) // 2 - 4), name, font=name_face, fill=INK, spacing=6)
    if row.served or row.absent or row.median_wait_minutes is not None:
        wait = "-" if row.median_wait_minutes is None else f"{row.median_wait_minutes:.0f}"
        serve = "-" if row.median_service_minutes is None else f"{row.median_service_minutes:.0f}"
        face = font(18)
        lines = (f"dilayani {row.served}, tak hadir {row.absent}", f"tunggu {wait} mnt, layanan {serve} mnt")
        for index, line in enumerate(lines):
            y = top + (block + box[3]) // 2 + 2 + index * 22
            draw.text((MARGIN, y), fit(draw, line, face, NAME_W - 20), font=face, fill=MUTED)
    bar_left, bar_right = MARGIN + NAME_W, WIDTH - MARGIN - 60 - (RATING_W if rated else 0)
    if rated:
        _satisfaction(draw, row, WIDTH - MARGIN - RATING_W + 24, top)
    y = top
    for measure, value in zip(MEASURES, values(row), strict=True):
        length = round((bar_right - bar_left) * value / scale_max)
        draw.rectangle((bar_left, y, bar_right, y + BAR_H), fill=(242, 244, 246))
        if length:
            draw.rectangle((bar_left, y, bar_left + length, y + BAR_H), fill=measure.colour)
        draw.text((bar_left + length + 8, y - 2), str(value), font=number_face, fill=INK)
        y += BAR_H + BAR_GAP
    return top + service_height()


RATING_W = 120  # the satisfaction column at the right of the bars, when the day has ratings
GRADE_COLOURS = {"A": (0, 158, 115), "B": (0, 114, 178), "C": (230, 159, 0), "D": (213, 94, 0)}  # Okabe-Ito


def _satisfaction(draw: ImageDraw.ImageDraw, row: ReportRow, left: int, top: int) -> None:
    """The service's grade in a box, the index and the number of ratings under it ("belum dinilai" without)."""
    face = font(18)
    if row.satisfaction_index is None or row.satisfaction_grade is None:
        draw.multiline_text((left, top + 34), "belum\ndinilai", font=face, fill=MUTED, spacing=4)
        return
    colour = GRADE_COLOURS.get(row.satisfaction_grade, MUTED)
    draw.rounded_rectangle((left, top, left + 56, top + 56), radius=10, fill=colour)
    letter = font(40, True)
    width = draw.textlength(row.satisfaction_grade, font=letter)
    draw.text((left + (56 - width) / 2, top + 3), row.satisfaction_grade, font=letter, fill=PAPER)
    index = f"{row.satisfaction_index:.2f}".replace(".", ",")
    draw.text((left, top + 62), f"IKM {index}", font=face, fill=INK)
    draw.text((left, top + 86), f"{row.ratings} penilaian", font=face, fill=MUTED)


def _footer(
    draw: ImageDraw.ImageDraw, height: int, website: str, generated_at: datetime | None, rated: bool = False
) -> None:
    top = height - FOOTER_H
    draw.line((MARGIN, top, WIDTH - MARGIN, top), fill=RULE, width=3)
    lines = ["Angka dari kios antrean, tanpa data pribadi."]
    if generated_at is not None:
        lines[0] += f" Dibuat {generated_at.strftime('%d/%m/%Y %H:%M')} WIB."
    if website:
        lines.append(f"Ambil antrean online: {website}")
    if rated:  # what the grade column is
        lines.append("IKM: Indeks Kepuasan Masyarakat 25-100, mutu A-D (Permenpan-RB 14/2017)")
    face, step = (font(24), 34) if len(lines) < 3 else (font(20), 26)
    for index, line in enumerate(lines):
        draw.text((MARGIN, top + 14 + index * step), fit(draw, line, face, WIDTH - 2 * MARGIN), font=face, fill=MUTED)


def export(report: DailyReport, folder: Path) -> Path:
    """For the technician screen: write both files into ``folder``; returns the picture's path."""
    return write_report(report, folder)[1]
