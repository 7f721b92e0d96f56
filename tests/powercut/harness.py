"""Power cuts at random instants under a real kiosk, and the verdicts after each one.

Each round mounts ``lazyfs.py`` over the site's folder (the day book, its ``.issued`` marks,
the site secret, the preview printer's ticket spool), starts a kiosk process (``worker.py``)
that walks people in one after another, and lets the file system cut the power at a random
changing operation (seeded; every third round on a brand-new site, early, so that every step
of the very first walk-in is cut too). Then the kiosk is killed, the folder unmounted, and the
disk as it would be found is checked:

- every number a person was told is in the day book (``lost`` otherwise);
- no number is told twice over the whole run (``reissued``);
- the next kiosk starts without a technician (``not_back`` otherwise);
- ``PRAGMA integrity_check`` is ok (``damaged`` otherwise).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXAMPLE = ROOT / "config.example.toml"
PATIENCE_S = 120.0


@dataclass
class Figures:
    seed: int
    cuts: int = 0
    told: int = 0
    lost: list[str] = field(default_factory=list)
    reissued: list[str] = field(default_factory=list)
    not_back: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    fresh_sites: int = 0
    told_offline: int = 0  # an HTTP kiosk's numbers from its leases, the server away

    @property
    def clean(self) -> bool:
        return not (self.lost or self.reissued or self.not_back or self.damaged)

    def line(self) -> str:
        return (
            f"seed {self.seed}: {self.cuts} cuts ({self.fresh_sites} on a fresh site), {self.told} numbers told, "
            f"{len(self.lost)} lost, {len(self.reissued)} reissued, {len(self.not_back)} kiosks not back, "
            f"{len(self.damaged)} damaged" + (f"; {self.told_offline} told offline" if self.told_offline else "")
        )


def write_config(folder: Path, mount: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('"/var/lib/antrian/daybook.sqlite3"', f'"{mount}/daybook.sqlite3"')
    text = text.replace('"/var/lib/antrian/tickets"', f'"{mount}/tickets"')
    text = text.replace('"/var/lib/antrian/site.secret"', f'"{mount}/site.secret"')
    text = text.replace('"/var/cache/antrian/speech"', f'"{folder}/speech"')
    for quota in (60, 80, 40, 30):  # enough for every round of a long run on one day
        text = text.replace(f"daily_quota = {quota}\n", "daily_quota = 999\n")
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


class Mount:
    """One life of the file system: mounted until the cut (or ``stop``)."""

    def __init__(self, state: Path, mount: Path, control: Path, cut_at: int, seed: int) -> None:
        self.mount = mount
        self.control = control
        (control / "cut").unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "lazyfs.py"), str(state), str(mount), str(control), str(cut_at), str(seed)],
            stdout=subprocess.DEVNULL,
            stderr=open(control / "lazyfs.log", "a", encoding="utf-8"),  # noqa: SIM115
        )
        _wait(lambda: _mounted(mount) or self.process.poll() is not None, "mount")
        if not _mounted(mount):
            raise RuntimeError(f"lazyfs did not mount (exit {self.process.returncode}); see {control}/lazyfs.log")

    @property
    def cut(self) -> bool:
        return (self.control / "cut").exists()

    def stop(self) -> None:
        deadline = time.monotonic() + PATIENCE_S
        while _mounted(self.mount) and time.monotonic() < deadline:
            subprocess.run(["fusermount", "-u", "-z", str(self.mount)], capture_output=True, check=False)
            if _mounted(self.mount):
                time.sleep(0.05)
        try:
            self.process.wait(timeout=PATIENCE_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Kiosk:
    """A worker process and the numbers it told."""

    def __init__(self, config: Path, first: int, weak: bool) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "worker.py"), str(config), str(first), *(["--weak"] if weak else [])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=PATIENCE_S)
        self.reader.join(timeout=PATIENCE_S)

    @property
    def told(self) -> list[str]:
        return [line for line in self.lines if line[:1].isalpha() and "-" in line and " " not in line]


def _mounted(mount: Path) -> bool:
    """In /proc/mounts (os.path.ismount says False for a mount whose program has gone)."""
    target = str(mount).replace(" ", "\\040")
    with open("/proc/mounts", encoding="utf-8") as mounts:
        return any(line.split()[1] == target for line in mounts)


def _wait(condition: object, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.01)


def _check_disk(state: Path, scratch: Path) -> tuple[str, set[str]]:
    """integrity_check and the numbers on a copy of the disk as found (SQLite may write on open)."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(state, scratch)
    path = scratch / "daybook.sqlite3"
    if not path.exists():
        return "ok", set()
    db = sqlite3.connect(path)
    try:
        verdict = "; ".join(str(row[0]) for row in db.execute("PRAGMA integrity_check").fetchall())
        known = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'tickets'").fetchone()
        numbers = {str(row[0]) for row in db.execute("SELECT number FROM tickets")} if known else set()
    except sqlite3.DatabaseError as exc:
        return str(exc), set()
    finally:
        db.close()
    return verdict, numbers


def run(
    folder: Path,
    cuts: int,
    seed: int,
    weak: bool = False,
    log: Callable[[str], object] = print,
    until: Callable[[Figures], bool] | None = None,
) -> Figures:
    """``cuts`` power cuts on one site (a fresh one every third round); the verdicts' figures.

    ``until`` ends the run early once it holds (the weak run stops at the first loss).
    """
    rng = random.Random(seed)
    figures = Figures(seed)
    state, mount, control = folder / "disk", folder / "mnt", folder / "control"
    for place in (state, mount, control):
        place.mkdir(parents=True, exist_ok=True)
    config = write_config(folder, mount)
    told: Counter[str] = Counter()  # per site: numbering starts over on a fresh one
    site_told: set[str] = set()
    next_nik = 0
    for round_ in range(cuts + 1):
        final = round_ == cuts  # one more start after the last cut: does the kiosk come back?
        fresh = not final and round_ % 3 == 0
        if fresh:
            figures.reissued += sorted(n for n, count in told.items() if count > 1)
            told, site_told = Counter(), set()
            shutil.rmtree(state)
            state.mkdir()
            figures.fresh_sites += 1
        cut_at = 10**9 if final else rng.randint(1, 150 if fresh else 600)
        filesystem = Mount(state, mount, control, cut_at, rng.randrange(1 << 30))
        kiosk = Kiosk(config, next_nik, weak)
        try:
            _wait(lambda: filesystem.cut or kiosk.process.poll() is not None or (final and len(kiosk.told) >= 3), "cut")
        finally:
            cut = filesystem.cut
            kiosk.kill()
            filesystem.stop()
        next_nik += len(kiosk.lines) + 1
        started = bool(kiosk.lines) and kiosk.lines[0] == "READY"
        if not started and not cut:  # it failed on a disk nobody cut under it
            figures.not_back.append(f"round {round_}: {' | '.join(kiosk.lines[:2]) or 'no answer'}")
        if final and len(kiosk.told) < 3:
            figures.not_back.append(f"final start: {' | '.join(kiosk.lines[:3])}")
        if not final:
            figures.cuts += 1
        for number in kiosk.told:
            told[number] += 1
            site_told.add(number)
        figures.told += len(kiosk.told)
        verdict, held = _check_disk(state, folder / "scratch")
        if verdict != "ok":
            figures.damaged.append(f"round {round_}: {verdict[:200]}")
        figures.lost += sorted(f"round {round_}: {n}" for n in site_told - held)
        site_told &= held  # a lost number is counted once
        log(f"round {round_}: cut at {cut_at}{' (fresh site)' if fresh else ''}, told {len(kiosk.told)}")
        if until is not None and until(figures):
            break
    figures.reissued += sorted(n for n, count in told.items() if count > 1)
    return figures


# -- an HTTP kiosk: its offline store on the cut disk, the server (the truth) beside it --------


def write_http_config(folder: Path, mount: Path, url: str) -> Path:
    path = write_config(folder, mount)
    text = path.read_text(encoding="utf-8")
    text = text.replace('kind = "sqlite"', 'kind = "http"', 1)
    text = text.replace(f'path = "{mount}/daybook.sqlite3"', f'path = "{mount}/offline.sqlite3"\nurl = "{url}"', 1)
    path.write_text(text, encoding="utf-8")
    return path


def _server_numbers(server_folder: Path, scratch: Path) -> set[str]:
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for name in ("daybook.sqlite3", "daybook.sqlite3-wal"):
        if (server_folder / name).exists():
            shutil.copy(server_folder / name, scratch / name)
    db = sqlite3.connect(scratch / "daybook.sqlite3")
    try:
        return {str(row[0]) for row in db.execute("SELECT number FROM tickets WHERE holder != ''")}
    finally:
        db.close()


def run_http(folder: Path, cuts: int, seed: int, log: Callable[[str], object] = print) -> Figures:
    """Cuts under an HTTP kiosk whose server is up in some rounds and away in others.

    Numbers told while the server is away come from the kiosk's leases and live only in its
    offline store until a sync: they must survive every cut and reach the server at the end.
    """
    sys.path.insert(0, str(ROOT / "tests" / "api"))
    from api_support import free_port, token_of
    from server_process import ServerProcess

    rng = random.Random(seed)
    figures = Figures(seed)
    state, mount, control = folder / "disk", folder / "mnt", folder / "control"
    for place in (state, mount, control):
        place.mkdir(parents=True, exist_ok=True)
    server = ServerProcess(folder / "server", free_port())
    server.start()
    shutil.copy(folder / "server" / "site.secret", state / "site.secret")  # one site, one secret
    config = write_http_config(folder, mount, server.url)
    os.environ["ANTRIAN_TOKEN"] = token_of("MPP-1")
    told: Counter[str] = Counter()
    next_nik = 0
    try:
        for round_ in range(cuts + 1):
            final = round_ == cuts
            up = final or round_ % 2 == 0  # away every other round: numbers from the leases
            if up and server.process is None:
                server.start()
            elif not up and server.process is not None:
                server.kill()
            cut_at = 10**9 if final else rng.randint(1, 300)
            filesystem = Mount(state, mount, control, cut_at, rng.randrange(1 << 30))
            kiosk = Kiosk(config, next_nik, weak=False)
            try:
                _wait(
                    lambda: filesystem.cut or kiosk.process.poll() is not None or (final and len(kiosk.told) >= 3),
                    "cut",
                )
            finally:
                cut = filesystem.cut
                kiosk.kill()
                filesystem.stop()
            next_nik += len(kiosk.lines) + 1
            if not (kiosk.lines and kiosk.lines[0] == "READY") and not cut:
                figures.not_back.append(f"round {round_}: {' | '.join(kiosk.lines[:2]) or 'no answer'}")
            if not final:
                figures.cuts += 1
            for number in kiosk.told:
                told[number] += 1
            figures.told += len(kiosk.told)
            verdict, _ = _check_disk_file(state, folder / "scratch", "offline.sqlite3")
            if verdict != "ok":
                figures.damaged.append(f"round {round_}: {verdict[:200]}")
            offline = "" if up else " (offline, from leases)"
            log(f"http round {round_}: cut at {cut_at}, told {len(kiosk.told)}{offline}")
            if not up:
                figures.told_offline += len(kiosk.told)
        # The last kiosk synced what it issued offline: every told number is now on the server.
        _sync(config, state, folder)
        held = _server_numbers(folder / "server", folder / "scratch-server")
    finally:
        server.kill()
    figures.lost = sorted(set(told) - held)
    figures.reissued = sorted(n for n, count in told.items() if count > 1)
    return figures


def _check_disk_file(state: Path, scratch: Path, name: str) -> tuple[str, set[str]]:
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(state, scratch)
    path = scratch / name
    if not path.exists():
        return "ok", set()
    db = sqlite3.connect(path)
    try:
        return "; ".join(str(row[0]) for row in db.execute("PRAGMA integrity_check").fetchall()), set()
    except sqlite3.DatabaseError as exc:
        return str(exc), set()
    finally:
        db.close()


def _sync(config: Path, state: Path, folder: Path) -> None:
    """Mount once more without a cut and let a kiosk sync everything it holds."""
    filesystem = Mount(state, folder / "mnt", folder / "control", 10**9, 0)
    try:
        done = subprocess.run(
            [sys.executable, str(HERE / "worker.py"), str(config), "0", "--sync"],
            capture_output=True,
            text=True,
            timeout=PATIENCE_S,
            cwd=HERE,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"final sync failed: {done.stdout[-300:]} {done.stderr[-500:]}")
    finally:
        filesystem.stop()
