"""The technician screen's worker-side halves: plain functions of the kiosk, no Kivy.

They run on the worker thread (``app.run_task``) and return the texts the screen shows:
the printer's state and status bits, the backend's answer time, today's counters, and the
daily report export.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from kiosk.core.errors import KioskError
from kiosk.i18n import N_
from kiosk.ops.logging import LogExportError, export_log
from kiosk.ops.report_export import write_report

log = logging.getLogger(__name__)

COUNTER_LINE = N_(
    "{service}: booking {bookings}, hadir {check_ins}, langsung {walk_ins}, prioritas {priority}, sisa {left}"
)


def printer_lines(printer: Any, language: str, tr: Any) -> dict[str, str | bool]:
    """The printer's state, each status bit in words and its raw replies."""
    if printer is None:
        return {
            "printer_state": tr(N_("Tidak ada printer yang diatur")),
            "printer_ok": False,
            "printer_bits": "",
            "printer_raw": "",
        }
    try:
        status_of = getattr(printer, "status", None)
        if status_of is not None:
            status = status_of()
            return {
                "printer_state": _call(status, "describe", language) or str(getattr(status, "state", "")),
                "printer_ok": bool(getattr(status, "can_print", False)),
                "printer_bits": "  ·  ".join(_call(status, "conditions", language) or [])
                or tr(N_("Tidak ada bit status dari printer ini ({detail})")).format(
                    detail=getattr(status, "detail", "") or getattr(status, "state", "")
                ),
                "printer_raw": "   ".join(_call(status, "raw_lines") or []) or _raw_hex(status),
            }
        readiness = printer.readiness()
        return {
            "printer_state": readiness.state + (f" ({readiness.warning})" if readiness.warning else ""),
            "printer_ok": bool(readiness.can_print),
            "printer_bits": "",
            "printer_raw": "",
        }
    except KioskError as exc:
        return {"printer_state": exc.reason.value, "printer_ok": False, "printer_bits": "", "printer_raw": ""}
    except Exception as exc:  # noqa: BLE001 - a broken driver is a status to show, not a crash
        log.exception("printer status failed")
        return {
            "printer_state": tr(N_("Status printer gagal dibaca ({error})")).format(error=type(exc).__name__),
            "printer_ok": False,
            "printer_bits": "",
            "printer_raw": "",
        }


def _call(obj: Any, name: str, *args: Any) -> Any:
    method = getattr(obj, name, None)
    return method(*args) if callable(method) else None


def _raw_hex(status: Any) -> str:
    raw = getattr(status, "raw", b"")
    return raw.hex(" ").upper() if isinstance(raw, (bytes, bytearray)) else ""


def backend_lines(kiosk: Any, tr: Any) -> dict[str, str]:
    """Which backend, whether it answers, and how long one quota request takes."""
    backend = kiosk.backend
    kind = kiosk.config.backend.kind
    where = kiosk.config.backend.url if kind == "http" else tr(N_("buku harian lokal (SQLite)"))
    started = time.perf_counter()
    try:
        kiosk.quotas()
    except KioskError as exc:
        text = tr(N_("Server {where}: tidak menjawab ({reason})")).format(where=where, reason=exc.reason.value)
    else:
        ms = (time.perf_counter() - started) * 1000
        shown = f"{ms:.1f}" if ms < 10 else f"{ms:.0f}"  # a local day book answers in well under 1 ms
        text = tr(N_("Server {where}: menjawab dalam {ms} ms")).format(where=where, ms=shown)
    extra = _call(backend, "status")
    if extra:
        text += f"\n{extra}"
    online = getattr(backend, "online", None)
    if isinstance(online, bool):
        text += "\n" + (
            tr(N_("Terhubung ke server pusat")) if online else tr(N_("Mode luring: memakai cadangan lokal"))
        )
    return {"backend_text": text}


def counter_lines(kiosk: Any, tr: Any) -> dict[str, str]:
    """Today's counters per service, from the daily report and the quotas."""
    try:
        report = kiosk.daily_report()
        quotas = {q.service.code: q for q in kiosk.quotas()}
    except KioskError as exc:
        return {"counters_text": tr(N_("Hitungan hari ini tidak tersedia ({reason})")).format(reason=exc.reason.value)}
    lines = []
    for row in report.rows:
        quota = quotas.get(row.service_code)
        left = str(quota.remaining) if quota is not None and quota.service.walk_in else "-"
        lines.append(
            tr(COUNTER_LINE).format(
                service=row.service_code,
                bookings=row.bookings,
                check_ins=row.check_ins,
                walk_ins=row.walk_ins,
                priority=row.priority,
                left=left,
            )
        )
    lines.append(tr(N_("Jumlah karcis hari ini: {total}")).format(total=report.total_tickets))
    return {"counters_text": "\n".join(lines)}


def export_daily_report(kiosk: Any) -> Path:
    """Write today's report (counts only, no personal data) into ``reports/`` of the data folder.

    The CSV and the picture to post come from ``kiosk.ops.report_export``. Returns the folder.
    """
    config = kiosk.config
    folder = Path(config.backend.path).parent / "reports"
    write_report(kiosk.daily_report(), folder, config.site.office, config.site.booking_website, kiosk.clock.now())
    return folder


def export_day_log(kiosk: Any, tr: Any) -> str:
    """Save today's journal of the kiosk (redacted once more) beside the reports; a line to show."""
    folder = Path(kiosk.config.backend.path).parent / "reports"
    try:
        path = export_log(folder)
    except LogExportError as exc:
        return str(exc)
    return str(tr(N_("Log disimpan: {path}")).format(path=path))
