"""A ticket as plain text: what the CLI prints, and a readable stand-in where no printer is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.model import Priority, Ticket, TicketKind
from kiosk.i18n import N_, translator
from kiosk.messages import format_day

PRIORITY_LABELS = {
    Priority.ELDERLY: N_("PRIORITAS - LANSIA"),
    Priority.DISABLED: N_("PRIORITAS - DISABILITAS"),
    Priority.PREGNANT: N_("PRIORITAS - IBU HAMIL"),
}
KIND_LABELS = {TicketKind.ONLINE: N_("Pendaftaran online"), TicketKind.WALK_IN: N_("Antre langsung")}
REPRINT_MARK = N_("CETAK ULANG")


def place_in_line(ticket: Ticket, tr: Callable[[str], str]) -> str:
    """People ahead and the estimate, or "you are next": "0 people, about 0 minutes" makes a person count."""
    if ticket.people_ahead > 0:
        return tr(N_("Di depan Anda: {ahead} orang, perkiraan {minutes} menit")).format(
            ahead=ticket.people_ahead, minutes=ticket.wait_minutes
        )
    return tr(N_("Anda berikutnya."))


def reprint_line(when: datetime, language: str = "id") -> str:
    """When a reprint came out, e.g. "Dicetak ulang 30 November 2026 10:15 WIB"."""
    _ = translator(language)
    local = when.astimezone(WIB)
    day = format_day(local.date(), language)
    return _("Dicetak ulang {day} {time} WIB").format(day=day, time=local.strftime("%H:%M"))


def render(ticket: Ticket, config: Config, language: str = "id") -> str:
    _ = translator(language)
    lines = [
        config.site.office,
        config.site.name,
        "",
        _("Nomor antrean"),
        ticket.number,
        ticket.service_name,
        _(KIND_LABELS[ticket.kind]),
    ]
    if ticket.priority:
        lines.append(_(PRIORITY_LABELS[ticket.priority]))
    lines += [
        f"{format_day(ticket.day, language)} {ticket.issued_at.strftime('%H:%M')} WIB",
        place_in_line(ticket, _),
    ]
    if ticket.reprinted_at is not None:
        lines += [_(REPRINT_MARK), reprint_line(ticket.reprinted_at, language)]
    lines += [
        (_("Kode booking: {code}") if ticket.kind == TicketKind.ONLINE else _("NIK: {code}")).format(
            code=ticket.holder
        ),
    ]
    if ticket.documents:
        lines.append(_("Bawa:"))
        lines += [f"- {doc}" for doc in ticket.documents]
    lines += [f"ID: {ticket.id}", config.site.booking_website]
    return "\n".join(lines)
