"""The technician screen's worker-side halves: plain functions of the kiosk, no Kivy.

They run on the worker thread (``app.run_task``) and return the texts the screen shows:
the printer's state and status bits, the backend's answer time, today's counters, and the
daily report export.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from kiosk.core.clock import WIB
from kiosk.core.errors import KioskError
from kiosk.core.ports import BackendStatus, TicketPrinter
from kiosk.core.usecases import Kiosk
from kiosk.i18n import N_, Translate
from kiosk.ops.logging import LogExportError, export_log
from kiosk.ops.report_export import write_report

log = logging.getLogger(__name__)

COUNTER_LINE = N_(
    "{service}: booking {bookings}, hadir {check_ins}, langsung {walk_ins}, prioritas {priority}, sisa {left}"
)


def printer_lines(printer: TicketPrinter | None, language: str, tr: Translate) -> dict[str, str | bool]:
    """The printer's state, each status bit in words and its raw replies."""
    if printer is None:
        return _printer(tr(N_("Tidak ada printer yang diatur")), False)
    try:
        status = printer.status()
    except KioskError as exc:
        return _printer(exc.reason.value, False)
    except Exception as exc:  # noqa: BLE001 - a broken driver is a status to show, not a crash
        log.exception("printer status failed")
        return _printer(tr(N_("Status printer gagal dibaca ({error})")).format(error=type(exc).__name__), False)
    bits = "  ·  ".join(status.conditions(language)) or tr(
        N_("Tidak ada bit status dari printer ini ({detail})")
    ).format(detail=status.detail or status.state)
    return _printer(status.describe(language), status.can_print, bits, "   ".join(status.raw_lines()))


def _printer(state: str, ok: bool, bits: str = "", raw: str = "") -> dict[str, str | bool]:
    return {"printer_state": state, "printer_ok": ok, "printer_bits": bits, "printer_raw": raw}


def backend_lines(kiosk: Kiosk, tr: Translate) -> dict[str, str]:
    """Which backend, whether it answers, how long one quota request takes, and its link in words."""
    kind = kiosk.config.backend.kind
    where = kiosk.config.backend.url if kind == "http" else tr(N_("buku harian lokal (SQLite)"))
    started = time.perf_counter()
    try:
        kiosk.quotas()
    except KioskError as exc:
        lines = [tr(N_("Server {where}: tidak menjawab ({reason})")).format(where=where, reason=exc.reason.value)]
    else:
        ms = (time.perf_counter() - started) * 1000
        shown = f"{ms:.1f}" if ms < 10 else f"{ms:.0f}"  # a local day book answers in well under 1 ms
        lines = [tr(N_("Server {where}: menjawab dalam {ms} ms")).format(where=where, ms=shown)]
    try:
        status = kiosk.backend.status()
    except Exception:  # noqa: BLE001 - the answer time above is still worth showing
        log.exception("backend status failed")
        status = None
    if status is not None:
        lines += link_lines(status, tr)
    return {"backend_text": "\n".join(lines)}


def link_lines(status: BackendStatus, tr: Translate) -> list[str]:
    """The link to the central server in words: online or not, the last error and sync, what waits."""
    lines = [tr(N_("Terhubung ke server pusat")) if status.online else tr(N_("Mode luring: memakai cadangan lokal"))]
    if status.last_error:
        lines.append(tr(N_("Kesalahan terakhir: {error}")).format(error=status.last_error))
    if status.last_sync is not None:
        when = status.last_sync.astimezone(WIB).strftime("%H:%M")
        lines.append(tr(N_("Sinkron terakhir pukul {time}")).format(time=when))
    else:
        lines.append(tr(N_("Belum sinkron sejak kios menyala")))
    lines.append(tr(N_("Karcis luring belum terkirim: {count}")).format(count=status.unsynced))
    if status.leased_free:
        free = ", ".join(f"{service} {count}" for service, count in sorted(status.leased_free.items()))
        lines.append(tr(N_("Nomor cadangan tersisa: {numbers}")).format(numbers=free))
    else:
        lines.append(tr(N_("Tidak ada nomor cadangan untuk mode luring")))
    if status.conflicts:  # an offline ticket the server kept otherwise: staff must look at that person's paper
        numbers = ", ".join(status.conflicts)
        lines.append(tr(N_("Periksa karcis luring yang tidak cocok di server: {numbers}")).format(numbers=numbers))
    return lines


def counter_lines(kiosk: Kiosk, tr: Translate) -> dict[str, str]:
    """Today's counters per service, from the daily report and the quotas."""
    try:
        report = kiosk.daily_report()
        quotas = {q.service.code: q for q in kiosk.quotas()}
    except KioskError as exc:
        return {"counters_text": tr(N_("Hitungan hari ini tidak tersedia ({reason})")).format(reason=exc.reason.value)}
    lines: list[str] = []
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


def export_daily_report(kiosk: Kiosk) -> Path:
    """Write today's report (counts only, no personal data) into ``reports/`` of the data folder.

    The CSV and the picture to post come from ``kiosk.ops.report_export``. Returns the folder.
    """
    config = kiosk.config
    folder = Path(config.backend.path).parent / "reports"
    write_report(kiosk.daily_report(), folder, config.site.office, config.site.booking_website, kiosk.clock.now())
    return folder


def export_day_log(kiosk: Kiosk, tr: Translate) -> str:
    """Save today's journal of the kiosk (redacted once more) beside the reports; a line to show."""
    folder = Path(kiosk.config.backend.path).parent / "reports"
    try:
        path = export_log(folder)
    except LogExportError as exc:
        return str(exc)
    return str(tr(N_("Log disimpan: {path}")).format(path=path))
