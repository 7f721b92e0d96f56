"""Import bookings from the booking website's CSV or JSON export into the day book.

Each row is checked on its own; bad rows are reported with their line number and reason and
skipped, good rows go in. The raw NIK is hashed and masked here and goes no further.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

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


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, not CSV/JSON, wrong columns)."""


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) pairs from a CSV or JSON export."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: berkas tidak ada / file not found") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path}: bukan teks UTF-8 / not UTF-8 text") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: tidak bisa dibaca ({exc.strerror}) / cannot be read") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _json_rows(path, text)
    return _csv_rows(path, text)


def _json_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path}: JSON rusak di baris {exc.lineno} / broken JSON at line {exc.lineno}") from None
    if isinstance(data, dict) and isinstance(data.get("bookings"), list):
        data = data["bookings"]
    if not isinstance(data, list):
        raise ImportFileError(f"{path}: harus daftar booking / must be a list of bookings")
    return [(index + 1, item if isinstance(item, dict) else {"_bad": item}) for index, item in enumerate(data)]


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = {c.strip().lower() for c in (reader.fieldnames or [])}
    missing = [f for f in FIELDS if f not in columns and f != "status"]
    if missing:
        raise ImportFileError(f"{path}: kolom tidak ada: {', '.join(missing)} / missing columns")
    rows = []
    for row in reader:
        clean = {(k or "").strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        rows.append((reader.line_num, clean))
    return rows


def parse_rows(rows: list[tuple[int, dict[str, Any]]], config: Config, hasher: nik_rules.NikHasher) -> ImportResult:
    result = ImportResult()
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            booking = _parse_row(row, config, hasher)
        except _RowError as exc:
            result.problems.append((line, str(exc)))
            continue
        except BadInput as exc:
            result.problems.append((line, str(explain(exc))))
            continue
        if booking.code in seen:
            result.problems.append(
                (line, f"kode {booking.code} ganda (juga baris {seen[booking.code]}) / duplicate code")
            )
            continue
        seen[booking.code] = line
        result.bookings.append(booking)
    return result


class _RowError(Exception):
    pass


_DIGIT_RUN = re.compile(r"\d[\d .-]{5,}\d")


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
