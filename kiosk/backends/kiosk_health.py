"""Each kiosk's latest health report, in the server's day book.

The only writer of ``kiosk_health`` (its migration is in ``kiosk.backends.daybook_schema``). A
kiosk reports its printer state and its unsynced offline tickets every poll (``POST
/v1/kiosks/health``); the last report per kiosk is kept here, so ``/office`` still shows when a
kiosk was last seen, and its printer, after the server restarts: a kiosk that went quiet before
the restart is "not seen since 10.42", not "never seen".
"""

from __future__ import annotations

from datetime import datetime

from kiosk.backends.office_book import DayBookFile
from kiosk.core.record import record


@record
class HealthReport:
    printer: str  # the printer's named state ("ok", "paper_near_end", "cover_open", ...)
    unsynced: int  # tickets issued offline, not yet synced
    kiosk_time: str  # the kiosk's own clock, as it sent it
    reported_at: datetime  # the server's clock when it arrived


class KioskHealthBook:
    """The latest report per kiosk; one row each, replaced by the next."""

    def __init__(self, book: DayBookFile) -> None:
        self.book = book

    def record(self, kiosk_id: str, report: HealthReport) -> None:
        with self.book.writing() as tx:
            tx.db.execute(
                "INSERT INTO kiosk_health (kiosk_id, printer, unsynced, kiosk_time, reported_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kiosk_id) DO UPDATE SET printer = excluded.printer, "
                "unsynced = excluded.unsynced, kiosk_time = excluded.kiosk_time, reported_at = excluded.reported_at",
                (kiosk_id, report.printer, report.unsynced, report.kiosk_time, report.reported_at.isoformat()),
            )

    def latest(self) -> dict[str, HealthReport]:
        rows = self.book.query("SELECT kiosk_id, printer, unsynced, kiosk_time, reported_at FROM kiosk_health")
        return {
            str(kiosk): HealthReport(str(printer), int(str(unsynced)), str(kiosk_time), datetime.fromisoformat(str(at)))
            for kiosk, printer, unsynced, kiosk_time, at in rows
        }
