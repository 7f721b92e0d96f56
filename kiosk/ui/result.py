"""After the request: the number (printed or not) and every refusal or fault, in plain words."""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import Path
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.core.errors import BadInput, KioskError, Reason, SystemFault
from kiosk.core.model import IssueResult, Ticket
from kiosk.core.usecases import Kiosk
from kiosk.i18n import N_
from kiosk.ticket_text import place_in_line
from kiosk.ui.home import qr_texture
from kiosk.ui.widgets import KioskScreen, load_kv

load_kv("keys")  # the keypad, steps and countdown rules, left out of the first frame
load_kv("result")
log = logging.getLogger(__name__)

DONE_RETURN_S = 20  # the number stays up long enough to note it, then home for the next person
NOT_PRINTED_TITLE = N_("Karcis gagal dicetak")  # result.kv's title when no held_title is set
NO_PRINT_AGAIN_HINT = N_("Nomor Anda tetap tercatat. Tunjukkan nomor ini kepada petugas.")
UNPRINTED_HINT = N_("Nomor Anda tetap tercatat. Sentuh Cetak lagi, atau tunjukkan nomor ini kepada petugas.")
QR_REASONS = (
    Reason.QUOTA_FULL,
    Reason.SERVICE_NOT_WALK_IN,
    Reason.BOOKING_WRONG_DAY,
    Reason.BOOKING_CANCELLED,
    Reason.SERVICE_CLOSED,  # "... or book another day at the website": its QR beside
)


def preview_png(printer: Any, ticket: Ticket, language: str | None = None) -> bytes | None:
    """The printer's picture of this ticket in ``language``, when it can draw one (the preview printer does).

    Called on the worker thread with the issue itself, so the UI thread only shows the picture.
    """
    render = getattr(printer, "preview_png", None)
    if render is None:
        return None
    try:
        data = render(ticket) if language is None else render(ticket, language)
    except Exception:  # noqa: BLE001 - a missing picture must not hide the number
        log.exception("ticket preview failed")
        return None
    if isinstance(data, (str, Path)):
        data = Path(data).read_bytes()
    return bytes(data) if data else None


def issued(kiosk: Any, result: IssueResult) -> tuple[IssueResult, bytes | None]:
    """A use case's result with its ticket picture, for ``app.go("done", ...)``."""
    return result, preview_png(kiosk.printer, result.ticket, result.language) if result.printed else None


def show_done(app: Any, done: tuple[IssueResult, bytes | None]) -> None:
    result, png = done
    app.go("done", result=result, preview=png)


class DoneScreen(KioskScreen):
    idle_timeout_s = DONE_RETURN_S

    number = StringProperty("")
    service_text = StringProperty("")
    printed = BooleanProperty(True)
    wait_text = StringProperty("")
    priority_text = StringProperty("")
    preview = ObjectProperty(None, allownone=True)
    # The printer holds the ticket (e.g. its cover is open): it comes out by itself, so the
    # screen says that, not "failed", and invites no second paper. The ticket may have come
    # out (no answer after it): the screen says to look in the tray first.
    held_title = StringProperty("")
    held_hint = StringProperty("")
    # "Cetak lagi": the person's own ticket again, when it did not (or may not) come out.
    can_print_again = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ticket: Ticket | None = None

    def prepare(self, result: IssueResult | None = None, preview: bytes | None = None, **_kwargs: Any) -> None:
        if result is None:
            return
        tr = self.app.tr
        ticket = result.ticket
        self._ticket = ticket
        self.number = ticket.number
        configured = self.app.config.service(ticket.service_code)  # its name in this person's language
        self.service_text = configured.name_in(self.app.language) if configured else ticket.service_name
        self.printed = result.printed
        self.wait_text = place_in_line(ticket, tr)  # the same words as on the ticket
        self.priority_text = tr(N_("Antrean prioritas")) if ticket.priority else ""
        self.preview = CoreImage(BytesIO(preview), ext="png").texture if preview else None
        self.held_title = self.held_hint = ""
        problem = result.print_problem
        # Not for a held ticket (it comes out by itself), nor after the one reprint was used.
        self.can_print_again = Kiosk.may_print_again(result)
        if problem in (Reason.PRINTER_HOLDS_TICKET.value, Reason.PRINTER_MAYBE_PRINTED.value):
            said = SystemFault(Reason(problem), state=result.printer_state or "")
            self.held_title, self.held_hint = self.app.explain(said)
            if problem == Reason.PRINTER_MAYBE_PRINTED.value and not self.can_print_again:
                self.held_hint = tr(NO_PRINT_AGAIN_HINT)  # no "Cetak lagi" to point to
        elif not result.printed and self.can_print_again:
            self.held_hint = tr(UNPRINTED_HINT)

    def reset(self) -> None:
        self.number = self.service_text = self.wait_text = self.priority_text = ""
        self.preview = None
        self.printed = True
        self.held_title = self.held_hint = ""
        self.can_print_again = False
        self._ticket = None

    def print_again(self) -> None:
        """The person's own ticket once more: its first paper if none came out, else a marked reprint."""
        ticket = self._ticket
        if ticket is None or not self.can_print_again:
            return
        app = self.app
        language = app.language  # the person's, as their first paper
        app.run_task(
            lambda: issued(app.kiosk, app.kiosk.reprint(ticket.number, ticket.day, language=language)),
            lambda done: show_done(app, done),
            app.show_error,
            app.tr(N_("Mencetak karcis Anda ...")),
        )


# Where "retry" leads back to: (screen, its prepare() arguments, the button's words); the
# target "lookup" checks in the booking of ``query`` instead.
Retry = tuple[str, dict[str, Any], str]

# Refusals of a check-in by typing that the person can correct on the keypad (a wrong digit).
ENTRY_CORRECTABLE = (Reason.BOOKING_NOT_FOUND,)


class ErrorScreen(KioskScreen):
    title = StringProperty("")
    hint = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    can_reprint = BooleanProperty(False)
    can_retry = BooleanProperty(False)
    retry_text = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._query = ""
        self._retry: Retry | None = None
        self._error: KioskError | None = None

    def prepare(
        self, error: KioskError | None = None, query: str = "", retry: Retry | None = None, **_kwargs: Any
    ) -> None:
        """``retry``: where the person can correct what was refused, with what is still right kept.

        Without one, a check-in typed on the keypad goes back to it, the digits still there.
        """
        if error is None:
            return
        self._error = error
        self._query = query
        self.title, self.hint = self.app.explain(error)
        # The one reprint, only while it is left: never offered and then refused (issue 17 P8).
        self.can_reprint = (
            error.reason == Reason.ALREADY_CHECKED_IN and bool(query) and error.params.get("reprint_left") is not False
        )
        previous = self.manager.current if self.manager else ""
        if retry is None and previous == "entry" and (isinstance(error, BadInput) or error.reason in ENTRY_CORRECTABLE):
            mode = self.app.screen_named("entry").mode
            label = N_("Perbaiki NIK") if mode == "nik" else N_("Perbaiki kode booking")
            retry = ("entry", {"mode": mode, "keep": True}, label)
        self._retry = retry
        self.can_retry = retry is not None
        self.retry_text = self.app.tr(retry[2]) if retry else ""
        config = self.app.config
        self.qr = (
            qr_texture(config.site.booking_website, config.backend.path.parent) if error.reason in QR_REASONS else None
        )

    def reset(self) -> None:
        self._query = ""
        self._retry = None
        self._error = None
        self.title = self.hint = self.retry_text = ""
        self.qr = None
        self.can_reprint = self.can_retry = False

    def reprint(self) -> None:
        app = self.app
        query = self._query
        language = app.language
        app.run_task(
            lambda: issued(app.kiosk, app.kiosk.reprint_booking(query, language=language)),
            lambda done: show_done(app, done),
            app.show_error,
            app.tr(N_("Mencetak ulang karcis Anda ...")),
        )

    def retry(self) -> None:
        """Back to where the refused part can be corrected; what was right is still there."""
        if self._retry is None:
            return
        target, kwargs, _label = self._retry
        if target == "lookup":  # straight to the check-in of the booking found for what was typed
            self.app.look_up(kwargs["query"])
        else:
            self.app.go(target, **kwargs)
