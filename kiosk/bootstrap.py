"""The one place that builds the object graph from the config: backend, hasher, clock, printer,
a counter's calling and the technician's PIN gate."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.backends import secret
from kiosk.backends.daybook import DayBook
from kiosk.core import config as config_mod
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config
from kiosk.core.errors import Reason, Refusal
from kiosk.core.nik import NikHasher
from kiosk.core.ports import BookingBackend, CallingBackend, TicketPrinter
from kiosk.core.usecases import Kiosk

if TYPE_CHECKING:
    from kiosk.backends.calls import CallBook
    from kiosk.backends.importer import BookingImporter
    from kiosk.core.office import OfficeActions
    from kiosk.core.pin import PinGate


def load_config(path: Path) -> Config:
    return config_mod.load(path)


def build_backend(config: Config) -> BookingBackend:
    if config.backend.kind == "http":
        from kiosk.backends.http import HttpBackend  # type: ignore[import-not-found,unused-ignore]

        return HttpBackend(config)  # type: ignore[no-any-return,unused-ignore]
    return DayBook(config.backend.path, config)


def build_printer(config: Config) -> TicketPrinter:
    """The configured printer (the preview folder by default); always built, never silently absent."""
    from printer.service import build_ticket_printer  # imports python-escpos: only when a printer is wanted

    return build_ticket_printer(config)


class LazyPrinter:
    """The configured printer, built on its first use instead of before the window opens.

    Building it imports python-escpos (about 0.1 s, a third of the kiosk's cold start beyond a
    bare Kivy app). ``kiosk run`` asks for printer status first on the status thread, after
    the first frame, so that is where the import happens. A build that fails (a wrong
    profile, an unreadable logo) fails that call and is tried again on the next one: the
    home screen says the printer has a problem and the log names the key.
    """

    def __init__(self, build: Callable[[], TicketPrinter]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._printer: TicketPrinter | None = None

    @property
    def built(self) -> bool:
        return self._printer is not None

    def _get(self) -> TicketPrinter:
        with self._lock:
            if self._printer is None:
                self._printer = self._build()
            return self._printer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)


def site_key(config: Config, store: object | None = None) -> bytes:
    """The site secret, checked against the store that keeps the hashes made with it.

    A secret is created only for a store that holds no NIK hash yet; a day book records the
    secret's fingerprint, so a kiosk (or server) keyed differently from its day book is refused.
    """
    if isinstance(store, DayBook):
        key = secret.load_or_create(config.secret_path, may_create=not store.holds_nik_hashes())
        store.adopt_key(secret.fingerprint(key))
        return key
    return secret.load_or_create(config.secret_path)


def build_hasher(config: Config, store: object | None = None) -> NikHasher:
    """The NIK hasher keyed by the site secret (see ``site_key``); an http kiosk also sends the
    secret's fingerprint with every call, so a server keyed otherwise refuses it in words."""
    key = site_key(config, store)
    if config.backend.kind == "http":
        from kiosk.backends.http import HttpBackend  # requests: only for an http kiosk

        if isinstance(store, HttpBackend):
            store.use_site_key(secret.fingerprint(key))
    return NikHasher(key)


def build_importer(config: Config) -> BookingImporter:
    """The booking importer over this site's day book; an http kiosk has none to fill."""
    from kiosk.backends.importer import BookingImporter  # ijson and csv: not for ``kiosk run``

    if config.backend.kind == "http":
        raise Refusal(Reason.IMPORT_ON_HTTP_KIOSK)
    book = DayBook(config.backend.path, config)
    try:
        return BookingImporter(config, build_hasher(config, book), book)
    except BaseException:
        book.close()
        raise


def build_kiosk(
    config: Config,
    clock: Clock | None = None,
    printer: TicketPrinter | None = None,
    backend: BookingBackend | None = None,
    with_printer: bool = True,
    lazy_printer: bool = False,
) -> Kiosk:
    """The use cases over the configured parts; ``lazy_printer``: build the printer on first use
    (``kiosk run``: not before the first frame)."""
    backend = backend or build_backend(config)
    hasher = build_hasher(config, backend)
    if printer is None and with_printer:
        printer = LazyPrinter(lambda: build_printer(config)) if lazy_printer else build_printer(config)
    return Kiosk(
        config=config,
        backend=backend,
        hasher=hasher,
        clock=clock or SystemClock(),
        printer=printer,
    )


def build_call_book(config: Config) -> CallBook:
    """The calls on this machine's day book (the server's counters, or an embedded site's)."""
    from kiosk.backends.calls import CallBook

    return CallBook(config.backend.path, config)


def build_calls(config: Config, token_file: Path | None = None, clock: Clock | None = None) -> CallingBackend:
    """A counter's calling: through the API with the counter's own token (``token_file`` or
    ``$ANTRIAN_COUNTER_TOKEN``) on an http site, else on the local day book."""
    if config.backend.kind == "http":
        from kiosk.backends.http_calls import HttpCalls, read_counter_token

        return HttpCalls(config, read_counter_token(token_file))
    from kiosk.backends.local_calls import LocalCalls

    return LocalCalls(build_call_book(config), clock or SystemClock())


def build_pin_gate(config: Config, clock: Clock) -> PinGate:
    """The technician's PIN gate; its lockout is kept in a file, so a restart does not reset it."""
    from kiosk.backends.pin_lock import FileLockStore, lock_path
    from kiosk.core.pin import PinGate

    return PinGate(config.technician_pin_hash, clock, FileLockStore(lock_path(config)))


def build_office_desk(config: Config, token_file: Path | None = None, clock: Clock | None = None) -> OfficeActions:
    """The supervisor's desk: on this machine's day book, or through the API on an http site
    (where the server's desk checks and audits)."""
    if config.backend.kind == "http":
        from kiosk.backends.http_office import HttpOffice

        return HttpOffice(config, token_file)
    from kiosk.backends.office_book import OfficeBook
    from kiosk.core.office import OfficeDesk

    return OfficeDesk(config, OfficeBook(DayBook(config.backend.path, config)), clock or SystemClock())
