"""The printer service the kiosk talks to: ``kiosk.core.ports.TicketPrinter`` and the technician's tools.

All device I/O happens on ONE print worker thread; callers wait for it with a bounded timeout,
so a printer that hangs cannot hang the kiosk. A ticket that does not come out after a
reconnect and one retry raises ``SystemFault(PRINTER_FAULT)``: the use case keeps the ticket,
marked unprinted, and shows its number.

One number, one paper:
- a printer that answers the status read AFTER a complete job holds that job, whatever it
  answers: with a fault (cover open, paper out) it prints the ticket once the fault is cleared.
  Such a job is never sent again; it raises ``SystemFault(PRINTER_HOLDS_TICKET)`` instead.
- a printer that took the whole job from us but gives no valid answer after it (the answer is
  lost, late, cut off, or the connection closes) may have printed it: the job is never sent
  again; it raises ``SystemFault(PRINTER_MAYBE_PRINTED)``, and the person decides on a reprint.
- a retry after a job that went out in part (the connection failed while it was being written)
  first feeds and cuts, so the fragment and the full ticket come out as two pieces of paper, not
  one strip. The job after a "maybe printed" one is cut from what came before in the same way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TypeVar

from PIL import Image, UnidentifiedImageError

from kiosk.core.config import Config, ConfigError, SiteConfig
from kiosk.core.errors import Reason, SystemFault
from kiosk.core.model import Ticket
from kiosk.core.ports import PrinterReadiness
from printer import testpage
from printer.escpos_bytes import UnknownProfile, check_profile, render_escpos, supports_native_qr
from printer.layout import paper_for, ticket_layout
from printer.preview import render_png
from printer.spool import CupsTransport, PreviewTransport
from printer.status import PrinterStatus, State, unreachable
from printer.transports import ConnectionFailed, DeviceFileTransport, Job, NetworkTransport, SerialTransport, Transport
from printer.usb import UsbTransport

log = logging.getLogger(__name__)
T = TypeVar("T")

MARGIN_S = 0.5  # the caller waits this much longer than the worker's own deadlines
PREVIEWS_KEPT = 8


class PrintFailed(Exception):
    def __init__(self, state: State, detail: str) -> None:
        super().__init__(f"{state.value}: {detail}")
        self.state = state
        self.detail = detail


class PrintHeld(PrintFailed):
    """The printer took the whole job and answered with a fault: it prints the job once cleared."""


class PrintMaybe(PrintFailed):
    """The whole job went out, but no valid status came back: it may be on paper, it may not."""


class PrinterService:
    """One printer, one worker thread. Safe to call from any thread, never blocks past its timeout."""

    def __init__(
        self,
        transport: Transport,
        site: SiteConfig,
        profile: str = "TM-T20II",
        paper_mm: int = 80,
        timeout_s: float = 3.0,
        language: str = "id",
        logo: Image.Image | None = None,
        native_qr: bool | None = None,
        public_url: str = "",
    ) -> None:
        self.transport = transport
        self.public_url = public_url  # the QR links to <public_url>/t/<ticket id> when set
        self.site = site
        self.profile = profile
        self.paper = paper_for(paper_mm)
        self.timeout_s = timeout_s
        self.language = language
        self.logo = logo
        self.native_qr = supports_native_qr(profile) if native_qr is None else native_qr
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer")
        self._previews: OrderedDict[tuple[Ticket, str], bytes] = OrderedDict()
        self._previews_lock = threading.Lock()
        self._last_state: State | None = None
        # The last job may have stopped part way on the paper: the next one cuts it off first.
        self._cut_first = False

    # -- the port -------------------------------------------------------------------------

    def readiness(self) -> PrinterReadiness:
        """Can a ticket be printed now? Asks the printer; no answer means no."""
        status = self.status()
        # Logged when the state changes: the screen polls every few seconds, the journal need not.
        changed = status.state != self._last_state
        if not status.can_print:
            level = logging.WARNING if changed else logging.DEBUG
            log.log(level, "printer not ready: %s (%s)", status.state.value, status.detail or status.raw.hex())
        elif changed and status.state == State.PAPER_NEAR_END:
            # docs/printer.md promises this warning: the roll runs out within some tickets.
            log.warning("printer paper near end: replace the roll soon (%s)", status.raw.hex())
        elif changed and self._last_state is not None:
            log.info("printer can print again: %s", status.state.value)
        self._last_state = status.state
        warning = State.PAPER_NEAR_END.value if status.state == State.PAPER_NEAR_END else None
        return PrinterReadiness(status.can_print, status.state.value, warning)

    def print_ticket(self, ticket: Ticket, language: str | None = None) -> None:
        """Print one ticket, with one reconnect and retry; ``SystemFault(PRINTER_FAULT)`` if it fails.

        ``language``: the person's (its labels); None prints in the configured language.
        """
        try:
            data = self.ticket_bytes(ticket, language)
        except Exception:  # noqa: BLE001 - a ticket that cannot be drawn is a print fault; its number stands
            log.exception("ticket %s could not be laid out", ticket.number)
            raise SystemFault(Reason.PRINTER_FAULT, state=State.UNKNOWN.value) from None
        self._deliver(Job(self._job_name(ticket), data, lambda: self.preview_png(ticket, language)))

    # -- the technician's tools -----------------------------------------------------------

    def status(self) -> PrinterStatus:
        """The printer's state, each status bit and the raw replies (never raises)."""
        try:
            return self._on_worker(self._status_now, self.timeout_s + MARGIN_S)
        except FutureTimeout:
            return PrinterStatus(State.UNKNOWN, {}, "no answer within the timeout (worker busy)")

    def test_page(self) -> None:
        """Print the self-test page: connection, profile, code page, sizes, QR, cut."""
        status = self.status()
        blocks = testpage.blocks(self, status)
        data = render_escpos(blocks, self.paper, self.profile, self.native_qr)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self._deliver(Job(f"test-{stamp}", data, lambda: render_png(blocks, self.paper)))

    def feed_and_cut(self) -> None:
        """Feed a few lines and cut: clears a half-printed ticket."""
        self._deliver(Job(f"feed-cut-{time.strftime('%Y%m%d-%H%M%S')}", self._feed_and_cut_bytes()))

    def ticket_bytes(self, ticket: Ticket, language: str | None = None) -> bytes:
        blocks = ticket_layout(ticket, self.site, self.paper, language or self.language, self.logo, self.public_url)
        return render_escpos(blocks, self.paper, self.profile, self.native_qr)

    def preview_png(self, ticket: Ticket, language: str | None = None) -> bytes:
        """A PNG that looks like the paper ticket (for the screen and the docs).

        Drawing one takes tens of milliseconds; the last few are kept, so the screen showing the
        ticket the preview printer just wrote gets it at once.
        """
        language = language or self.language
        with self._previews_lock:
            cached = self._previews.get((ticket, language))
        if cached is not None:
            return cached
        png = render_png(ticket_layout(ticket, self.site, self.paper, language, self.logo, self.public_url), self.paper)
        with self._previews_lock:
            self._previews[(ticket, language)] = png
            while len(self._previews) > PREVIEWS_KEPT:
                self._previews.popitem(last=False)
        return png

    def close(self) -> None:
        try:
            self._worker.submit(self.transport.close)
        except RuntimeError:  # already shut down
            return
        self._worker.shutdown(wait=False, cancel_futures=True)

    # -- on the worker --------------------------------------------------------------------

    def _on_worker(self, work: Callable[[], T], budget: float) -> T:
        try:
            future: Future[T] = self._worker.submit(work)
        except RuntimeError:  # closed: nobody will ever answer, the same as no answer in time
            raise FutureTimeout from None
        try:
            return future.result(timeout=budget)
        except FutureTimeout:
            future.cancel()
            raise

    def _status_now(self) -> PrinterStatus:
        deadline = time.monotonic() + self.timeout_s
        try:
            self.transport.open(deadline)
        except ConnectionFailed as exc:
            return unreachable(str(exc))
        try:
            return self.transport.status(deadline)
        except ConnectionFailed as exc:  # connected, then dropped: it did not answer
            return PrinterStatus(State.UNKNOWN, {}, str(exc))
        except Exception as exc:  # noqa: BLE001 - a driver's surprise is "unknown", never a crash of the kiosk
            log.exception("printer status failed")
            return PrinterStatus(State.UNKNOWN, {}, f"{type(exc).__name__}: {exc}")
        finally:
            self.transport.close()

    def _deliver(self, job: Job) -> None:
        attempt_s = self.timeout_s + self.transport.wire_seconds(len(job.data))
        abandoned = threading.Event()
        sent = [False]  # did any attempt put bytes of the job on the wire?
        try:
            self._on_worker(lambda: self._send_with_retry(job, attempt_s, abandoned, sent), 2 * attempt_s + MARGIN_S)
        except FutureTimeout:
            abandoned.set()  # the worker must not start the job (again) after the caller gave up
            log.error("print job %s: no answer within %.1f s", job.name, 2 * attempt_s)
            if sent[0]:  # its bytes went out: it may be on paper
                self._cut_first = True
                raise SystemFault(Reason.PRINTER_MAYBE_PRINTED, state=State.UNKNOWN.value) from None
            raise SystemFault(Reason.PRINTER_FAULT, state=State.UNKNOWN.value) from None
        except PrintMaybe as exc:
            log.warning("print job %s went out whole, but the printer did not answer after it (%s)", job.name, exc)
            raise SystemFault(Reason.PRINTER_MAYBE_PRINTED, state=exc.state.value) from None
        except PrintHeld as exc:
            log.warning("print job %s is held by the printer (%s): it comes out once that is cleared", job.name, exc)
            raise SystemFault(Reason.PRINTER_HOLDS_TICKET, state=exc.state.value) from None
        except PrintFailed as exc:
            raise SystemFault(Reason.PRINTER_FAULT, state=exc.state.value) from None
        except Exception:  # noqa: BLE001 - any other failure is a print fault too; the number stands
            log.exception("print job %s failed", job.name)
            raise SystemFault(Reason.PRINTER_FAULT, state=State.UNKNOWN.value) from None

    def _send_with_retry(self, job: Job, attempt_s: float, abandoned: threading.Event, sent: list[bool]) -> None:
        failure = PrintFailed(State.UNKNOWN, "abandoned by the caller")
        for attempt in (1, 2):
            if abandoned.is_set():
                break
            try:
                self._send_once(job, time.monotonic() + attempt_s, sent)
                return
            except (PrintHeld, PrintMaybe):
                raise  # the printer has (or may have) the whole job: sending it again makes a second paper
            except PrintFailed as exc:
                failure = exc
                log.warning("print job %s, attempt %d: %s", job.name, attempt, exc)
            finally:
                self.transport.close()
        raise failure

    def _send_once(self, job: Job, deadline: float, sent: list[bool]) -> None:
        try:
            self.transport.open(deadline)
        except ConnectionFailed as exc:
            raise PrintFailed(State.OFFLINE, str(exc)) from None
        try:
            before = self.transport.status(deadline)
            if not before.can_print:
                raise PrintFailed(before.state, before.detail or "not ready")
            data = job.data
            if sent[0] or self._cut_first:
                # Part of a job may already be on the paper: cut it off first, or the fragment
                # and the full ticket come out as one strip that looks like one odd ticket.
                data = self._feed_and_cut_bytes() + data
            sent[0] = True
            self.transport.send(Job(job.name, data, job.preview), deadline)  # one write: never in pieces
            self._cut_first = False
        except (ConnectionFailed, OSError) as exc:  # dropped while writing: the ticket may be half printed
            raise PrintFailed(State.UNKNOWN, str(exc)) from None
        # The whole job went out. The printer answers DLE EOT only after taking in everything
        # sent before it: any valid reply here means the whole job arrived. A fault now (cover
        # opened, paper ran out) leaves the job in the printer, which prints it once cleared.
        # No valid reply (lost, late, cut off, the connection closed) says nothing either way:
        # the ticket may be on paper, so it is never sent again by itself.
        try:
            after = self.transport.status(deadline)
        except (ConnectionFailed, OSError) as exc:
            self._cut_first = True
            raise PrintMaybe(State.UNKNOWN, f"after the job: {exc}") from None
        if after.state == State.UNKNOWN:
            self._cut_first = True
            raise PrintMaybe(after.state, after.detail or "no answer after the job")
        if not after.can_print:
            raise PrintHeld(after.state, after.detail or "fault after the job")

    def _feed_and_cut_bytes(self) -> bytes:
        return render_escpos([], self.paper, self.profile, self.native_qr)

    @staticmethod
    def _job_name(ticket: Ticket) -> str:
        name = f"{ticket.day.isoformat()}_{ticket.number}"
        return f"{name}_r{ticket.reprints}" if ticket.reprints else name


def build_transport(config: Config) -> Transport:
    p = config.printer
    if p.kind == "network":
        return NetworkTransport(p.host, p.port)
    if p.kind == "serial":
        return SerialTransport(p.serial_device, p.baudrate)
    if p.kind == "usb":
        return UsbTransport(p.usb_vendor, p.usb_product)
    if p.kind == "file":
        return DeviceFileTransport(p.device_path)
    if p.kind == "cups":
        return CupsTransport(p.cups_queue)
    return PreviewTransport(p.preview_dir)


def load_logo(path: Path | None) -> Image.Image | None:
    if path is None:
        return None
    try:
        with Image.open(path) as image:
            image.load()
            return image.copy()
    except (OSError, UnidentifiedImageError) as exc:
        raise ConfigError([f"printer.logo: {path}: gambar tidak bisa dibaca / cannot read the image ({exc})"]) from None


def build_ticket_printer(config: Config) -> PrinterService:
    """The printer the config names; ``ConfigError`` for an unknown profile or unreadable logo."""
    try:
        check_profile(config.printer.profile)
    except UnknownProfile:
        raise ConfigError(
            [
                f'printer.profile: profil "{config.printer.profile}" tidak dikenal python-escpos / unknown profile '
                '(e.g. "TM-T20II", "TM-T88V", "POS-5890", "default"; list: python -m escpos.cli showcapabilities)'
            ]
        ) from None
    return PrinterService(
        build_transport(config),
        config.site,
        profile=config.printer.profile,
        paper_mm=config.printer.paper_mm,
        timeout_s=config.printer.timeout_s,
        language=config.ui.language,
        logo=load_logo(config.printer.logo),
        public_url=config.server.public_url,
    )
