"""Configuration: one TOML file, parsed once into frozen, typed objects.

Every problem is reported with the key it belongs to, all at once, so that a technician can
fix a broken file in one pass. ``config.example.toml`` documents every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import field
from datetime import date, time
from pathlib import Path
from typing import Any

from kiosk.core.model import Service
from kiosk.core.record import record

DEFAULT_CONFIG_PATH = Path("/etc/antrian/kiosk.toml")


class ConfigError(Exception):
    """The configuration has problems; ``problems`` lists each as ``key: what is wrong``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@record
class OtherSite:
    """Another office a refused person can be sent to (``[[site.other_sites]]``)."""

    code: str
    name: str
    address: str = ""


@record
class SiteConfig:
    """``[site]``: the office, this kiosk's place in it and the booking website."""

    office: str
    name: str
    code: str
    kiosk_id: str
    booking_website: str
    other_sites: tuple[OtherSite, ...] = ()


@record
class HoursConfig:
    """``[hours]``: opening hours, the check-in window around a booking and the daily release."""

    open: time
    close: time
    arrival_early_minutes: int
    arrival_late_minutes: int
    release_time: time


@record
class CapsConfig:
    """``[caps]``: tickets per NIK, against brokers ("calo")."""

    walk_ins_per_nik_per_service: int
    tickets_per_nik_per_day: int


@record
class BackendConfig:
    """``[backend]``: the day book on this machine (sqlite) or the office server (http)."""

    kind: str  # "sqlite" or "http"
    path: Path
    url: str = ""
    token_file: Path | None = None
    token_env: str = "ANTRIAN_TOKEN"
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    verify_tls: bool = True
    lease_size: int = 5


@record
class PrinterConfig:
    """``[printer]``: the ticket printer and how to reach it."""

    kind: str  # preview, network, usb, serial, file, cups
    profile: str = "TM-T20II"
    paper_mm: int = 80
    timeout_s: float = 3.0
    preview_dir: Path = Path("var/tickets")
    host: str = ""
    port: int = 9100
    usb_vendor: int = 0
    usb_product: int = 0
    serial_device: str = ""
    baudrate: int = 9600
    device_path: str = ""
    cups_queue: str = ""
    logo: Path | None = None


@record
class CounterConfig:
    """A service counter (loket): staff call the numbers of ``services`` from it."""

    id: str
    name: str
    services: tuple[str, ...]


@record
class ServerConfig:
    """``kiosk serve``: where the booking API listens and which kiosk tokens it accepts."""

    host: str = "127.0.0.1"
    port: int = 8080
    tokens_file: Path | None = None  # lines "KIOSK-ID sha256-hex-of-token"
    max_body_bytes: int = 16384
    threads: int = 8
    public_url: str = ""  # where phones reach the hall pages; the ticket's QR links to <public_url>/t/<id>


@record
class BookingSiteConfig:
    """``[booking_site]``: the citizens' booking pages (``/book``) of ``kiosk serve``."""

    enabled: bool = True
    days_ahead: int = 10  # how many open days the site offers, counted from today
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO weekdays the office is open (1 = Monday)
    closed_dates: tuple[date, ...] = ()  # national holidays, cuti bersama
    online_percent: int = 50  # part of each service's daily quota bookable online
    slot_minutes: int = 30  # one slot window; at most hours.arrival_late_minutes
    opens_days_before: int = 2  # booking for a day opens this many days before it ...
    opens_at: time = time(7, 0)  # ... at this time (WIB)
    active_per_nik: int = 3  # active bookings of one NIK over the coming days
    attempts_per_address: int = 30  # booking attempts per client address per window
    attempts_per_nik: int = 10  # booking attempts per NIK per window
    attempts_window_minutes: int = 10
    form_minutes: int = 30  # a form not sent within this is expired
    trusted_proxies: tuple[str, ...] = ()  # peers whose client address header is believed
    client_address_header: str = "X-Real-IP"
    public_url: str = ""  # as citizens reach /book (behind the proxy), for the saved image


# EN 301 549 §8.3.2.5/§8.3.3: operable parts between 380 and 1,220 mm above the floor.
REACH_LOW_MM = 380
REACH_HIGH_MM = 1220
MIN_PANEL_IN_REACH_MM = 200  # room for a keypad and its buttons inside the band


@record
class MountingConfig:
    """Where the panel hangs, so the screens can keep every control within reach.

    The default is a 43-inch 16:9 panel in portrait on a floor kiosk: its visible area is
    535 x 952 mm (diagonal 1,092 mm), its bottom edge 750 mm above the floor, its top at
    1,702 mm, out of reach from a wheelchair; only the lower 470 mm lie inside the band.
    """

    bottom_edge_mm: int = 750  # the visible area's bottom edge above the floor
    visible_height_mm: int = 952  # the visible area's height as mounted (portrait: the long side)

    def above_floor_mm(self, y_px: float, window_height_px: float) -> float:
        """Height above the floor of a window row, ``y_px`` counted up from the window's bottom."""
        return self.bottom_edge_mm + y_px / window_height_px * self.visible_height_mm

    def window_y_px(self, above_floor_mm: float, window_height_px: float) -> float:
        """The window row (px up from the bottom) at a height above the floor."""
        return (above_floor_mm - self.bottom_edge_mm) / self.visible_height_mm * window_height_px


@record
class UiConfig:
    """``[ui]``: the screen's language, idle timeout, full screen and how it is mounted."""

    language: str = "id"
    idle_timeout_s: int = 45
    fullscreen: bool = True
    mounting: MountingConfig = field(default_factory=MountingConfig)


@record
class SpeechConfig:
    """Spoken guidance (espeak-ng): on by default, at the person's request unless ``auto_speak``."""

    enabled: bool = True
    volume: float = 0.8  # 0..1, of the kiosk's own output level
    auto_speak: bool = False  # every citizen screen speaks its instruction when it opens
    cache_dir: Path = Path("/var/cache/antrian/speech")
    words_per_minute: int = 140  # a little slower than espeak-ng's 175: elderly listeners


@record
class CallingConfig:
    """``[calling]``: how priority tickets share the line with regular ones (docs/calling.md).

    0 turns a rule off. The defaults let a priority ticket go first as it always did on a quiet
    day (rarely four priority tickets in a row at the same line, rarely a regular wait of 45
    minutes), and bound the regular wait on a busy one.
    """

    max_priority_in_a_row: int = 3
    regular_max_wait_minutes: int = 45


@record
class Config:
    """The whole kiosk configuration, as read from its TOML file by ``load``."""

    site: SiteConfig
    hours: HoursConfig
    caps: CapsConfig
    services: tuple[Service, ...]
    backend: BackendConfig
    printer: PrinterConfig
    ui: UiConfig
    secret_path: Path
    technician_pin_hash: str = ""
    server: ServerConfig = field(default_factory=ServerConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    counters: tuple[CounterConfig, ...] = ()
    booking_site: BookingSiteConfig = field(default_factory=BookingSiteConfig)
    calling: CallingConfig = field(default_factory=CallingConfig)
    source: Path | None = field(default=None, compare=False)

    def counter(self, counter_id: str) -> CounterConfig | None:
        for counter in self.counters:
            if counter.id == counter_id:
                return counter
        return None

    def service(self, code: str) -> Service | None:
        wanted = code.strip().upper()
        for service in self.services:
            if service.code.upper() == wanted:
                return service
        return None


class _Reader:
    """Reads one table, remembering every problem and every unknown key by its full name."""

    def __init__(self, data: dict[str, Any], prefix: str, problems: list[str]) -> None:
        self.data = data
        self.prefix = prefix
        self.problems = problems
        self.seen: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def _get(self, name: str, kind: type | tuple[type, ...], default: Any, required: bool) -> Any:
        self.seen.add(name)
        if name not in self.data:
            if required:
                self.problems.append(f"{self.key(name)}: wajib diisi / required")
            return default
        value = self.data[name]
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            indonesian, english = _kind_name(kind)
            self.problems.append(f"{self.key(name)}: harus {indonesian} / must be {english}")
            return default
        return value

    def text(self, name: str, default: str = "", required: bool = False) -> str:
        value = self._get(name, str, default, required)
        if required and isinstance(value, str) and name in self.data and not value.strip():
            self.problems.append(f"{self.key(name)}: tidak boleh kosong / must not be empty")
        return str(value)

    def integer(
        self,
        name: str,
        default: int = 0,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self._get(name, int, default, required)
        if minimum is not None and value < minimum:
            self.problems.append(f"{self.key(name)}: minimal {minimum} / at least {minimum}")
            return default
        if maximum is not None and value > maximum:
            self.problems.append(f"{self.key(name)}: maksimal {maximum} / at most {maximum}")
            return default
        return int(value)

    def number(self, name: str, default: float, minimum: float = 0.0, maximum: float = 600.0) -> float:
        value = self._get(name, (int, float), default, False)
        # TOML allows nan and inf: an endless timeout would hang the kiosk on a dead printer.
        if not (minimum < value <= maximum):
            self.problems.append(
                f"{self.key(name)}: harus lebih dari {minimum} dan paling banyak {maximum} / "
                f"must be more than {minimum} and at most {maximum}"
            )
            return default
        return float(value)

    def flag(self, name: str, default: bool) -> bool:
        return bool(self._get(name, bool, default, False))

    def clock(self, name: str, default: str, required: bool = False) -> time:
        raw = self._get(name, str, default, required)
        try:
            hours, minutes = raw.split(":")
            return time(int(hours), int(minutes))
        except ValueError:
            self.problems.append(f'{self.key(name)}: jam harus HH:MM, mis. "07:30" / time must be HH:MM')
            hours, minutes = default.split(":")
            return time(int(hours), int(minutes))

    def table(self, name: str, required: bool = False) -> _Reader:
        value = self._get(name, dict, {}, required)
        return _Reader(value, f"{self.key(name)}.", self.problems)

    def tables(self, name: str) -> list[_Reader]:
        value = self._get(name, list, [], True)
        readers = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.problems.append(f"{self.key(name)}[{index}]: harus tabel / must be a table")
                continue
            readers.append(_Reader(item, f"{self.key(name)}[{index}].", self.problems))
        return readers

    def strings(self, name: str) -> tuple[str, ...]:
        value = self._get(name, list, [], False)
        if not all(isinstance(item, str) for item in value):
            self.problems.append(f"{self.key(name)}: harus daftar teks / must be a list of strings")
            return ()
        return tuple(value)

    def path(self, name: str, default: str, base: Path) -> Path:
        raw = self.text(name, default)
        if not raw.strip():
            # "" would be the config's own folder: every command would then fail on it, far from here.
            self.problems.append(f"{self.key(name)}: tidak boleh kosong / must not be empty")
            raw = default
        path = Path(raw).expanduser()
        return path if path.is_absolute() else base / path

    def finish(self) -> None:
        for name in sorted(set(self.data) - self.seen):
            self.problems.append(f"{self.key(name)}: kunci tidak dikenal / unknown key")


def _kind_name(kind: type | tuple[type, ...]) -> tuple[str, str]:
    """The kind of value a key takes, in Indonesian and in English."""
    names = {
        str: ("teks", "text"),
        int: ("bilangan bulat", "a whole number"),
        bool: ("true/false", "true/false"),
        dict: ("tabel", "a table"),
        list: ("daftar", "a list"),
    }
    if isinstance(kind, tuple):
        return ("angka", "a number")
    return names.get(kind, (kind.__name__, kind.__name__))


PRINTER_KINDS = ("preview", "network", "usb", "serial", "file", "cups")
BACKEND_KINDS = ("sqlite", "http")
LANGUAGES = ("id", "en", "jv")  # as kiosk.i18n.LANGUAGES; the core reads no catalogue


def parse(data: dict[str, Any], base: Path) -> Config:
    """Turn parsed TOML into a ``Config``; raise ``ConfigError`` listing every problem."""
    problems: list[str] = []
    root = _Reader(data, "", problems)

    site_r = root.table("site", required=True)
    others = []
    for other in site_r.tables("other_sites") if "other_sites" in site_r.data else []:
        others.append(
            OtherSite(other.text("code", required=True), other.text("name", required=True), other.text("address"))
        )
        other.finish()
    site_r.seen.add("other_sites")
    site = SiteConfig(
        office=site_r.text("office", required=True),
        name=site_r.text("name", required=True),
        code=site_r.text("code", required=True),
        kiosk_id=site_r.text("kiosk_id", required=True),
        booking_website=site_r.text("booking_website", required=True),
        other_sites=tuple(others),
    )
    site_r.finish()

    hours_r = root.table("hours")
    hours = HoursConfig(
        open=hours_r.clock("open", "07:30"),
        close=hours_r.clock("close", "15:00"),
        arrival_early_minutes=hours_r.integer("arrival_early_minutes", 60, minimum=0, maximum=24 * 60),
        arrival_late_minutes=hours_r.integer("arrival_late_minutes", 30, minimum=0, maximum=24 * 60),
        release_time=hours_r.clock("release_time", "11:00"),
    )
    if hours.open >= hours.close:
        problems.append("hours.close: harus setelah hours.open / must be after hours.open")
    hours_r.finish()

    caps_r = root.table("caps")
    caps = CapsConfig(
        walk_ins_per_nik_per_service=caps_r.integer("walk_ins_per_nik_per_service", 1, minimum=1),
        tickets_per_nik_per_day=caps_r.integer("tickets_per_nik_per_day", 2, minimum=1),
    )
    caps_r.finish()

    services: list[Service] = []
    prefixes: dict[str, str] = {}
    for service_r in root.tables("services"):
        code = service_r.text("code", required=True).strip().upper()
        prefix = service_r.text("prefix", required=True).strip().upper()
        if prefix and (len(prefix) != 1 or not prefix.isalpha() or not prefix.isascii()):
            problems.append(f"{service_r.key('prefix')}: satu huruf A-Z / one letter A-Z")
        elif prefix in prefixes:
            problems.append(
                f"{service_r.key('prefix')}: huruf {prefix} sudah dipakai {prefixes[prefix]} / "
                f"already used by {prefixes[prefix]}"
            )
        prefixes.setdefault(prefix, code)
        if code and any(s.code == code for s in services):
            problems.append(f"{service_r.key('code')}: kode {code} ganda / duplicate code")
        services.append(
            Service(
                code=code,
                prefix=prefix,
                name=service_r.text("name", required=True),
                daily_quota=service_r.integer("daily_quota", 0, required=True, minimum=0, maximum=999),
                documents=service_r.strings("documents"),
                walk_in=service_r.flag("walk_in", True),
                minutes_per_person=service_r.integer("minutes_per_person", 6, minimum=1, maximum=240),
                standard_wait_minutes=service_r.integer("standard_wait_minutes", 0, minimum=0, maximum=480),
                local_names=tuple(
                    (language, name)
                    for language in LANGUAGES[1:]
                    if (name := service_r.text(f"name_{language}", "").strip())
                ),
                local_documents=tuple(
                    (language, documents)
                    for language in LANGUAGES[1:]
                    if (documents := service_r.strings(f"documents_{language}"))
                ),
            )
        )
        service_r.finish()
    if "services" in data and not services:
        problems.append("services: minimal satu layanan / at least one service")

    backend_r = root.table("backend")
    backend_kind = backend_r.text("kind", "sqlite")
    if backend_kind not in BACKEND_KINDS:
        problems.append(f"backend.kind: salah satu dari {', '.join(BACKEND_KINDS)} / one of {', '.join(BACKEND_KINDS)}")
    token_file = backend_r.text("token_file", "")
    backend = BackendConfig(
        kind=backend_kind,
        path=backend_r.path("path", "var/daybook.sqlite3", base),
        url=backend_r.text("url", ""),
        token_file=(base / token_file) if token_file else None,
        token_env=backend_r.text("token_env", "ANTRIAN_TOKEN"),
        connect_timeout_s=backend_r.number("connect_timeout_s", 3.0),
        read_timeout_s=backend_r.number("read_timeout_s", 10.0),
        verify_tls=backend_r.flag("verify_tls", True),
        lease_size=backend_r.integer("lease_size", 5, minimum=1, maximum=100),
    )
    if backend.kind == "http" and not backend.url.startswith(("http://", "https://")):
        problems.append(
            'backend.url: wajib alamat http(s):// bila backend.kind = "http" / '
            'an http(s):// address is required when backend.kind = "http"'
        )
    backend_r.finish()

    printer_r = root.table("printer")
    printer_kind = printer_r.text("kind", "preview")
    if printer_kind not in PRINTER_KINDS:
        problems.append(f"printer.kind: salah satu dari {', '.join(PRINTER_KINDS)} / one of {', '.join(PRINTER_KINDS)}")
    logo = printer_r.text("logo", "")
    printer = PrinterConfig(
        kind=printer_kind,
        profile=printer_r.text("profile", "TM-T20II"),
        paper_mm=printer_r.integer("paper_mm", 80),
        timeout_s=printer_r.number("timeout_s", 3.0),
        preview_dir=printer_r.path("preview_dir", "var/tickets", base),
        host=printer_r.text("host", ""),
        port=printer_r.integer("port", 9100, minimum=1, maximum=65535),
        usb_vendor=printer_r.integer("usb_vendor", 0, minimum=0, maximum=0xFFFF),
        usb_product=printer_r.integer("usb_product", 0, minimum=0, maximum=0xFFFF),
        serial_device=printer_r.text("serial_device", ""),
        baudrate=printer_r.integer("baudrate", 9600, minimum=1200),
        device_path=printer_r.text("device_path", ""),
        cups_queue=printer_r.text("cups_queue", ""),
        logo=(base / logo) if logo else None,
    )
    if printer.paper_mm not in (58, 80):
        problems.append("printer.paper_mm: 58 atau 80 / 58 or 80")
    needed = {"network": "host", "serial": "serial_device", "file": "device_path", "cups": "cups_queue"}
    if printer_kind in needed and not getattr(printer, needed[printer_kind]):
        problems.append(
            f'printer.{needed[printer_kind]}: wajib bila printer.kind = "{printer_kind}" / required for {printer_kind}'
        )
    if printer_kind == "usb" and not (printer.usb_vendor and printer.usb_product):
        problems.append(
            'printer.usb_vendor: wajib (dengan usb_product) bila printer.kind = "usb" / '
            'required (with usb_product) when printer.kind = "usb"'
        )
    printer_r.finish()

    ui_r = root.table("ui")
    mounting_r = ui_r.table("mounting")
    mounting = MountingConfig(
        bottom_edge_mm=mounting_r.integer("bottom_edge_mm", 750, minimum=0, maximum=2500),
        visible_height_mm=mounting_r.integer("visible_height_mm", 952, minimum=100, maximum=3000),
    )
    in_reach = min(REACH_HIGH_MM, mounting.bottom_edge_mm + mounting.visible_height_mm) - max(
        REACH_LOW_MM, mounting.bottom_edge_mm
    )
    if in_reach < MIN_PANEL_IN_REACH_MM:
        problems.append(
            f"ui.mounting.bottom_edge_mm: minimal {MIN_PANEL_IN_REACH_MM} mm layar harus di antara "
            f"{REACH_LOW_MM} dan {REACH_HIGH_MM} mm dari lantai / at least {MIN_PANEL_IN_REACH_MM} mm of the "
            f"panel must lie {REACH_LOW_MM}-{REACH_HIGH_MM} mm above the floor"
        )
    mounting_r.finish()
    ui = UiConfig(
        language=ui_r.text("language", "id"),
        idle_timeout_s=ui_r.integer("idle_timeout_s", 45, minimum=10, maximum=600),
        fullscreen=ui_r.flag("fullscreen", True),
        mounting=mounting,
    )
    if ui.language not in LANGUAGES:
        problems.append('ui.language: "id", "en" atau "jv" / "id", "en" or "jv"')
    ui_r.finish()

    security_r = root.table("security")
    secret_path = security_r.path("secret_path", "var/site.secret", base)
    pin_hash = security_r.text("technician_pin_hash", "")
    security_r.finish()

    server_r = root.table("server")
    tokens_file = server_r.text("tokens_file", "")
    server = ServerConfig(
        host=server_r.text("host", "127.0.0.1"),
        port=server_r.integer("port", 8080, minimum=1, maximum=65535),
        tokens_file=(base / tokens_file) if tokens_file else None,
        max_body_bytes=server_r.integer("max_body_bytes", 16384, minimum=1024, maximum=1048576),
        threads=server_r.integer("threads", 8, minimum=1, maximum=64),
        public_url=server_r.text("public_url", "").strip().rstrip("/"),
    )
    if server.public_url and not server.public_url.startswith(("http://", "https://")):
        problems.append("server.public_url: alamat http(s)://, mis. http://192.168.1.10:8080 / an http(s):// address")
    server_r.finish()

    speech = _speech(root.table("speech"), base, problems)
    counters = _counters(root, data, services, problems)
    booking_site = _booking_site(root.table("booking_site"), hours, problems)
    calling_r = root.table("calling")
    calling = CallingConfig(
        max_priority_in_a_row=calling_r.integer("max_priority_in_a_row", 3, minimum=0, maximum=100),
        regular_max_wait_minutes=calling_r.integer("regular_max_wait_minutes", 45, minimum=0, maximum=600),
    )
    calling_r.finish()

    root.finish()
    if problems:
        raise ConfigError(problems)
    return Config(
        site=site,
        hours=hours,
        caps=caps,
        services=tuple(services),
        backend=backend,
        printer=printer,
        ui=ui,
        secret_path=secret_path,
        technician_pin_hash=pin_hash,
        server=server,
        speech=speech,
        counters=counters,
        booking_site=booking_site,
        calling=calling,
    )


def _speech(reader: _Reader, base: Path, problems: list[str]) -> SpeechConfig:
    volume = reader._get("volume", (int, float), 0.8, False)
    if not 0.0 <= volume <= 1.0:  # also catches nan
        problems.append(f"{reader.key('volume')}: antara 0 dan 1 / between 0 and 1")
        volume = 0.8
    speech = SpeechConfig(
        enabled=reader.flag("enabled", True),
        volume=float(volume),
        auto_speak=reader.flag("auto_speak", False),
        cache_dir=reader.path("cache_dir", "/var/cache/antrian/speech", base),
        words_per_minute=reader.integer("words_per_minute", 140, minimum=80, maximum=300),
    )
    reader.finish()
    return speech


def _booking_site(reader: _Reader, hours: HoursConfig, problems: list[str]) -> BookingSiteConfig:
    """``[booking_site]``: optional; slots must fit the kiosk's arrival window (see kiosk.core.booking)."""
    weekdays: list[int] = []
    raw_days = reader._get("weekdays", list, [1, 2, 3, 4, 5], False)
    for value in raw_days:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
            problems.append(f"{reader.key('weekdays')}: angka 1 (Senin) sampai 7 (Minggu) / numbers 1 (Monday) to 7")
            break
        weekdays.append(value)
    closed: list[date] = []
    for value in reader.strings("closed_dates"):
        try:
            closed.append(date.fromisoformat(value.strip()))
        except ValueError:
            shown = value[:20]
            problems.append(f'{reader.key("closed_dates")}: "{shown}" harus YYYY-MM-DD / must be YYYY-MM-DD')
    site = BookingSiteConfig(
        enabled=reader.flag("enabled", True),
        days_ahead=reader.integer("days_ahead", 10, minimum=1, maximum=90),
        weekdays=tuple(sorted(set(weekdays))),
        closed_dates=tuple(sorted(closed)),
        online_percent=reader.integer("online_percent", 50, minimum=0, maximum=100),
        slot_minutes=reader.integer("slot_minutes", 30, minimum=5, maximum=240),
        opens_days_before=reader.integer("opens_days_before", 2, minimum=0, maximum=90),
        opens_at=reader.clock("opens_at", "07:00"),
        active_per_nik=reader.integer("active_per_nik", 3, minimum=1, maximum=100),
        attempts_per_address=reader.integer("attempts_per_address", 30, minimum=1, maximum=100000),
        attempts_per_nik=reader.integer("attempts_per_nik", 10, minimum=1, maximum=1000),
        attempts_window_minutes=reader.integer("attempts_window_minutes", 10, minimum=1, maximum=1440),
        form_minutes=reader.integer("form_minutes", 30, minimum=1, maximum=1440),
        trusted_proxies=tuple(p.strip() for p in reader.strings("trusted_proxies")),
        client_address_header=reader.text("client_address_header", "X-Real-IP").strip(),
        public_url=reader.text("public_url", "").strip().rstrip("/"),
    )
    if not weekdays and "weekdays" in reader.data:
        problems.append(f"{reader.key('weekdays')}: minimal satu hari / at least one day")
    # A person who comes any time inside the slot window must be inside the kiosk's arrival window.
    if site.slot_minutes > hours.arrival_late_minutes:
        problems.append(
            f"{reader.key('slot_minutes')}: paling banyak hours.arrival_late_minutes ({hours.arrival_late_minutes}) / "
            "at most hours.arrival_late_minutes: the kiosk must accept the whole slot"
        )
    if site.public_url and not site.public_url.startswith(("http://", "https://")):
        problems.append(f"{reader.key('public_url')}: alamat http(s):// / an http(s):// address")
    reader.finish()
    return site


COUNTER_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _counters(
    root: _Reader, data: dict[str, Any], services: list[Service], problems: list[str]
) -> tuple[CounterConfig, ...]:
    """``[[counters]]``: optional; each id unique and URL-safe, each service code configured."""
    root.seen.add("counters")
    if "counters" not in data:
        return ()
    known = {s.code for s in services}
    counters: list[CounterConfig] = []
    for counter_r in root.tables("counters"):
        counter_id = counter_r.text("id", required=True).strip()
        if counter_id and (len(counter_id) > 20 or not set(counter_id) <= COUNTER_ID_CHARS):
            problems.append(
                f"{counter_r.key('id')}: huruf, angka, - atau _ (paling banyak 20) / "
                "letters, digits, - or _ (at most 20)"
            )
        elif counter_id and any(c.id == counter_id for c in counters):
            problems.append(f"{counter_r.key('id')}: loket {counter_id} ganda / duplicate counter id")
        codes = tuple(code.strip().upper() for code in counter_r.strings("services"))
        if "services" in counter_r.data and not codes:
            problems.append(f"{counter_r.key('services')}: minimal satu layanan / at least one service")
        elif "services" not in counter_r.data:
            problems.append(f"{counter_r.key('services')}: wajib diisi / required")
        for code in codes:
            if code not in known:
                problems.append(
                    f"{counter_r.key('services')}: layanan {code} tidak ada di [[services]] / unknown service code"
                )
        counters.append(CounterConfig(id=counter_id, name=counter_r.text("name", required=True), services=codes))
        counter_r.finish()
    return tuple(counters)


def load(path: Path) -> Config:
    """Read and check a config file. Relative paths inside it are relative to its folder."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"{path}: berkas konfigurasi tidak ada / config file not found"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: tidak bisa dibaca ({exc.strerror}) / cannot be read"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: bukan teks UTF-8 / not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: TOML rusak ({exc}) / broken TOML"]) from None
    except RecursionError:
        # tomllib recurses per nesting level: thousands of nested arrays are a broken file, not a crash.
        raise ConfigError([f"{path}: TOML bersarang terlalu dalam / nested too deeply"]) from None
    config = parse(data, path.resolve().parent)
    return _with_source(config, path)


def _with_source(config: Config, path: Path) -> Config:
    from dataclasses import replace

    return replace(config, source=path)
