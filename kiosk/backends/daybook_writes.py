"""The day book's writes that run inside a neighbouring store's transaction (the API ledger).

Part of the day book: ``DayBook`` owns the ``tickets``, ``bookings``, ``idempotency`` and
``number_marks`` tables, and this is the only other code that writes them, always on the day
book's own connection inside ``DayBook.writing()``.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from kiosk.core.model import NikTickets, OfflineTicket


class TicketWrites:
    """The day book's writes that another store's transaction needs (the server's lease ledger).

    Only obtained from ``DayBook.writing()``: inside one ``BEGIN IMMEDIATE`` on the day book's
    connection, so that the ledger's own rows and these change together or not at all. The
    ledger writes its ``api_`` tables through ``db``; ``tickets``, ``bookings`` and
    ``idempotency`` only through these methods.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def fill_offline(self, offline: OfflineTicket) -> None:
        """Write what a kiosk printed offline over the placeholder of its leased number."""
        self.db.execute(
            "UPDATE tickets SET kind = ?, holder = ?, nik_hash = ?, priority = ?, booking_code = ?, issued_at = ?, "
            "printed = ?, reprints = ? WHERE id = ?",
            (
                offline.kind.value,
                offline.holder,
                offline.nik_hash,
                offline.priority.value if offline.priority else None,
                offline.booking_code,
                offline.issued_at,
                int(offline.printed),
                offline.reprints,
                offline.ticket_id,
            ),
        )

    def claim_booking(self, code: str, ticket_id: str) -> bool:
        """Check a booking in with this ticket; False when it already has another one."""
        return bool(
            self.db.execute(
                "UPDATE bookings SET ticket_id = ? WHERE code = ? AND ticket_id IS NULL", (ticket_id, code)
            ).rowcount
        )

    def unfill(self, ticket_id: str, placeholder_hash: str) -> None:
        """Back to a placeholder nobody holds (a request undone by its kiosk)."""
        self.db.execute("UPDATE bookings SET ticket_id = NULL WHERE ticket_id = ?", (ticket_id,))
        self.db.execute(
            "UPDATE tickets SET kind = 'walk_in', holder = '', nik_hash = ?, priority = NULL, booking_code = NULL, "
            "printed = 0, reprints = 0 WHERE id = ?",
            (placeholder_hash, ticket_id),
        )

    def delete(self, ticket_id: str) -> None:
        """A ticket nobody ever saw: its slot returns to the quota, its number stays a gap.

        A gap for good: ``number_marks`` keeps the day's highest number, so the next ticket
        never takes this one's number again even when it was the latest.
        """
        self.db.execute("UPDATE bookings SET ticket_id = NULL WHERE ticket_id = ?", (ticket_id,))
        self.db.execute("DELETE FROM idempotency WHERE ticket_id = ?", (ticket_id,))
        self.db.execute("DELETE FROM tickets WHERE id = ?", (ticket_id,))

    def set_printed(self, ticket_id: str, printed: bool) -> None:
        self.db.execute("UPDATE tickets SET printed = ? WHERE id = ?", (int(printed), ticket_id))

    def set_ahead(self, ticket_id: str, ahead: int, wait_minutes: int) -> None:
        self.db.execute(
            "UPDATE tickets SET people_ahead = ?, wait_minutes = ? WHERE id = ?", (ahead, wait_minutes, ticket_id)
        )

    def ticket_of_key(self, key: str) -> str | None:
        row = self.db.execute("SELECT ticket_id FROM idempotency WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def forget_key(self, key: str) -> None:
        self.db.execute("DELETE FROM idempotency WHERE key = ?", (key,))

    def holder_of(self, ticket_id: str) -> tuple[str | None, str] | None:
        """(NIK hash, issued at) of a ticket, to tell a resent sync from a different ticket."""
        row = self.db.execute("SELECT nik_hash, issued_at FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        return None if row is None else (row[0], str(row[1]))

    def nik_counts(self, day: date, nik_hash: str, service_code: str, excluding: str = "") -> NikTickets:
        """A person's tickets today but the one being judged at sync (``excluding``)."""
        return nik_counts(self.db, day, nik_hash, service_code, excluding)


def nik_counts(db: sqlite3.Connection, day: date, nik_hash: str, service_code: str, excluding: str = "") -> NikTickets:
    """Today's tickets of a NIK hash, every kind (a checked-in booking is a number too), but the
    ticket ``excluding``: the day book's one count for the caps; ``rules.check_nik_caps`` judges it."""
    same, total = db.execute(
        "SELECT COALESCE(SUM(service = ?), 0), COUNT(*) FROM tickets WHERE day = ? AND nik_hash = ? AND id != ?",
        (service_code, day.isoformat(), nik_hash, excluding),
    ).fetchone()
    return NikTickets(same_service=int(same), today=int(total))
