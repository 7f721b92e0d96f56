"""Import bookings from the booking website's CSV or JSON export into the day book.

Each row is checked on its own; bad rows are reported with their line number and reason and
skipped, good rows go in. The raw NIK is hashed and masked here and goes no further.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]

from kiosk.backends.daybook import DayBook
from kiosk.backends.import_errors import ImportFileError
from kiosk.core import nik as nik_rules
from kiosk.core import rules
from kiosk.core.config import Config
from kiosk.core.errors import BadInput
from kiosk.core.model import Booking, BookingStatus
from kiosk.messages import explain

FIELDS = ("code", "nik", "name", "service", "date", "slot", "site", "status")
STATUS_WORDS = {
    "booked": BookingStatus.BOOKED,
    "terdaftar": BookingStatus.BOOKED,
    "aktif": BookingStatus.BOOKED,
    "cancelled": BookingStatus.CANCELLED,
    "canceled": BookingStatus.CANCELLED,
    "batal": BookingStatus.CANCELLED,
    "dibatalkan": BookingStatus.CANCELLED,
}


@dataclass
class ImportResult:
    bookings: list[Booking] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason), never the NIK
    added: int = 0
    updated: int = 0
    bad_rows: int = 0  # all of them; ``problems`` lists the first MAX_PROBLEMS_LISTED

    def report(self, line: int, reason: str) -> None:
        self.bad_rows += 1
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            self.problems.append((line, reason))


# A day's export is ~20 KB (about 200 bookings); 8 MiB holds over a year of them. Past that the
# file is not an export of this office, or should be split: say so instead of eating the memory.
MAX_EXPORT_BYTES = 8 * 1024 * 1024
UPSERT_BATCH = 500  # bookings per write transaction: a live kiosk never waits long for the lock
MAX_PROBLEMS_LISTED = 1000
MAX_JSON_DEPTH = 8  # an export is a list of flat objects; deeper is not an export

Rows = Iterator[tuple[int, dict[str, Any]]]


def read_rows(path: Path) -> Rows:
    """(line number, row) pairs from a CSV or JSON export, read as a stream.

    Whole-file problems (missing, too large, not UTF-8, not CSV/JSON, wrong columns) raise
    ``ImportFileError``; the checks that can be made before reading happen at once.
    """
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: berkas tidak ada / file not found") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: tidak bisa dibaca ({exc.strerror}) / cannot be read") from None
    if size > MAX_EXPORT_BYTES:
        handle.close()
        limit = MAX_EXPORT_BYTES // (1024 * 1024)
        raise ImportFileError(
            f"{path}: berkas {size / 1024 / 1024:.0f} MB, lebih dari {limit} MB; ekspor per bulan lalu impor satu per "
            f"satu / file is {size / 1024 / 1024:.0f} MB, over {limit} MB: export one month at a time"
        )
    try:
        head = handle.read(4096)
        handle.seek(0)
        start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if start.startswith((b"[", b"{")):
            return _json_rows(path, handle, start[:1])
        if path.suffix.lower() == ".json":
            raise ImportFileError(f"{path}: harus daftar booking / must be a list of bookings")
        return _csv_rows(path, handle)
    except BaseException:
        handle.close()
        raise


def _json_rows(path: Path, handle: BinaryIO, first: bytes) -> Rows:
    """The bookings of ``[...]`` or ``{"bookings": [...]}``, built one at a time from parse events.

    ijson's C parser streams the file; the depth is checked on every event, before anything is
    built, so a document nested 100,000 deep is refused as broken instead of exhausting the
    stack or the memory (ijson's own item builder does both on such a file).
    """
    list_depth = 1 if first == b"[" else 2  # the depth of the list that holds the bookings
    depth = index = 0
    in_list = saw_list = False
    key: Any = None
    builder: Any = None
    with handle:
        try:
            for event, value in ijson.basic_parse(handle, use_float=True):
                if event in ("start_map", "start_array"):
                    depth += 1
                    if depth > MAX_JSON_DEPTH:
                        raise ImportFileError(f"{path}: JSON bersarang terlalu dalam / JSON nested too deeply")
                elif event in ("end_map", "end_array"):
                    depth -= 1
                if builder is not None:  # inside one booking item
                    builder.event(event, value)
                    if depth == list_depth:
                        index += 1
                        yield index, builder.value if isinstance(builder.value, dict) else {"_bad": True}
                        builder = None
                elif in_list:
                    if depth < list_depth:  # the list closed
                        in_list = False
                    elif depth > list_depth:  # an item (object or list) opens
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                    else:  # a bare number or string where a booking should be
                        index += 1
                        yield index, {"_bad": True}
                elif event == "map_key" and depth == 1:
                    key = value
                elif event == "start_array" and depth == list_depth and (list_depth == 1 or key == "bookings"):
                    in_list = saw_list = True
        except ijson.JSONError as exc:
            where = f"JSON rusak setelah booking ke-{index} / broken JSON after item {index}"
            raise ImportFileError(f"{path}: {where} ({str(exc).splitlines()[0].strip()})") from None
        except UnicodeDecodeError:
            raise ImportFileError(f"{path}: bukan teks UTF-8 / not UTF-8 text") from None
    if not saw_list:
        raise ImportFileError(f'{path}: harus daftar booking atau {{"bookings": [...]}} / must be a list of bookings')


def _csv_rows(path: Path, handle: BinaryIO) -> Rows:
    """Checks the header at once (a file that is no export fails here), then streams the rows."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        sample = text.read(4096)
        text.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(text, dialect=dialect)
        columns = {c.strip().lower() for c in (reader.fieldnames or [])}
    except UnicodeDecodeError:
        raise ImportFileError(f"{path}: bukan teks UTF-8 / not UTF-8 text") from None
    except csv.Error as exc:
        raise ImportFileError(f"{path}: CSV rusak ({exc}) / broken CSV") from None
    missing = [f for f in FIELDS if f not in columns and f != "status"]
    if missing:
        raise ImportFileError(f"{path}: kolom tidak ada: {', '.join(missing)} / missing columns")
    return _stream_csv(path, text, reader)


def _stream_csv(path: Path, text: io.TextIOWrapper, reader: csv.DictReader[str]) -> Rows:
    with text:
        try:
            for row in reader:
                clean = {(k or "").strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
                yield reader.line_num, clean
        except UnicodeDecodeError:
            raise ImportFileError(f"{path}: bukan teks UTF-8 / not UTF-8 text") from None
        except csv.Error as exc:
            raise ImportFileError(f"{path}: CSV rusak di baris {reader.line_num} ({exc}) / broken CSV") from None


def parse_rows(rows: Iterable[tuple[int, dict[str, Any]]], config: Config, hasher: nik_rules.NikHasher) -> ImportResult:
    """Every row checked on its own: good ones become bookings, bad ones a (line, reason)."""
    result = ImportResult()
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            booking = _parse_row(row, config, hasher)
        except _RowError as exc:
            result.report(line, str(exc))
            continue
        except BadInput as exc:
            result.report(line, str(explain(exc)))
            continue
        if booking.code in seen:
            result.report(line, f"kode {booking.code} ganda (juga baris {seen[booking.code]}) / duplicate code")
            continue
        seen[booking.code] = line
        result.bookings.append(booking)
    return result


class _RowError(Exception):
    pass


_DIGIT_RUN = re.compile(r"\d[\d\W_]{5,}\d")
# 16 digits, also written in groups with any separators between them (``3520_0145``, ``3520/0145``,
# double spaces): anything that is neither a letter nor a digit may separate them.
_NIK_RUN = re.compile(r"\d(?:[\W_]*\d){15}")


def _shown(value: str) -> str:
    """A cell value fit to echo in a problem report: a shifted column may hold a NIK."""
    return _DIGIT_RUN.sub(lambda m: nik_rules.mask(m.group()), value)[:24]


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _RowError(f"{name} kosong / {name} is empty")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _RowError(f"{name} harus teks / {name} must be text")
    return str(value).strip()


def _parse_row(row: dict[str, Any], config: Config, hasher: nik_rules.NikHasher) -> Booking:
    if "_bad" in row:
        raise _RowError("bukan objek booking / not a booking object")
    for column, value in row.items():
        # Only the nik column may hold a NIK: one typed into the name or site would be stored
        # and served in clear. The whole row is refused; the report names the column, not the value.
        if column != "nik" and isinstance(value, (str, int)) and _NIK_RUN.search(str(value)):
            raise _RowError(
                f"kolom {_shown(str(column))} berisi 16 angka (NIK?); NIK hanya di kolom nik "
                f"/ column {_shown(str(column))} holds 16 digits (a NIK?): a NIK belongs in the nik column only"
            )
    code = rules.normalize_code(_text(row, "code"))
    nik = nik_rules.validate(_text(row, "nik"))
    service_code = _text(row, "service").upper()
    if config.service(service_code) is None:
        raise _RowError(f"layanan {_shown(service_code)} tidak dikenal / unknown service")
    try:
        day = date.fromisoformat(_text(row, "date"))
    except ValueError:
        raise _RowError("date harus YYYY-MM-DD / date must be YYYY-MM-DD") from None
    try:
        slot = time.fromisoformat(_text(row, "slot"))
    except ValueError:
        raise _RowError("slot harus HH:MM / slot must be HH:MM") from None
    status_raw = str(row.get("status") or "booked").strip().lower()
    if status_raw not in STATUS_WORDS:
        raise _RowError(f"status {_shown(status_raw)} tidak dikenal / unknown status")
    name = _text(row, "name")
    if len(name) > 120:
        raise _RowError("name terlalu panjang / name too long")
    return Booking(
        code=code,
        nik_hash=hasher.hash(nik),
        nik_masked=nik_rules.mask(nik),
        name=name,
        service_code=config.service(service_code).code,  # type: ignore[union-attr]
        day=day,
        slot=slot,
        site=_text(row, "site").upper(),
        status=STATUS_WORDS[status_raw],
    )


class BookingImporter:
    """Import an export into the day book: every row checked first, then written in batches.

    A broken file (bad JSON at the end, a wrong column) is found before anything is written, so
    it imports nothing; good rows then go in ``UPSERT_BATCH`` at a time, each batch one short
    write transaction, so kiosks issuing numbers on the same day book are not held up.
    """

    def __init__(self, config: Config, hasher: nik_rules.NikHasher, book: DayBook) -> None:
        self.config = config
        self.hasher = hasher
        self.book = book

    def run(self, path: Path) -> ImportResult:
        return self.store(parse_rows(read_rows(path), self.config, self.hasher))

    def store(self, result: ImportResult) -> ImportResult:
        for start in range(0, len(result.bookings), UPSERT_BATCH):
            added, updated = self.book.upsert_bookings(result.bookings[start : start + UPSERT_BATCH])
            result.added += added
            result.updated += updated
        return result
