"""A real systemd in a container: a cached Debian root, the project installed as docs/deployment.md says.

The recipe (issue 19): ``mmdebstrap`` builds a minimal bookworm root from the Debian mirror apt
already uses, ``systemd-nspawn --boot`` boots it, ``nsenter`` into its init drives it (the host
has no systemd of its own, so ``machinectl`` and ``systemd-run -M`` cannot).

What is built once and kept under ``/var/cache/antrian-boot-test`` (``ANTRIAN_BOOT_CACHE``):

- ``rootfs-<hash of the package list>``: the Debian root, never written to afterwards; every
  run boots an overlay of it whose upper layer is in the run's own folder (``Container``), so
  runs, also three at once, cannot see each other;
- ``venv-<hash of root, constraints.txt, pyproject.toml, package folders>``: ``/opt/antrian/.venv``, made inside
  the container from wheels built on the host (``pip wheel``: the container has no index of
  its own), with ``pip install --no-index -e /opt/antrian`` as the deployment guide does.

At boot the worktree is bound read-only at ``/opt/antrian`` (the kiosk cannot change its code)
and the cached venv at ``/opt/antrian/.venv``. Building from nothing takes a few minutes and
needs apt's mirror; afterwards a boot costs seconds. Everything here needs root.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("ANTRIAN_BOOT_CACHE", "/var/cache/antrian-boot-test"))
SUITE = "bookworm"
# systemd and what docs/deployment.md section 2 installs, plus espeak-ng for the spoken guidance.
PACKAGES = (
    "systemd",
    "systemd-sysv",
    "dbus",
    "python3",
    "python3-venv",
    "libmtdev1",
    "libgl1",
    "libgl1-mesa-dri",
    "libegl1",
    "libgles2",
    "libgbm1",
    "libdrm2",
    "fonts-dejavu-core",
    "libusb-1.0-0",
    "espeak-ng",
)
STALE_S = 3 * 86400  # a cache entry nobody used for this long is removed when a new one is built
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}

# docs/deployment.md, sections 1 (the time zone), 3, 5, 7 and 13, run as root inside the container, from /opt/antrian.
# (Section 4's virtualenv is the cached one; the hours are widened so that a walk-in is possible
# whatever the time of day the suite runs at.)
INSTALL = """
set -eu
cd /opt/antrian
timedatectl set-timezone Asia/Jakarta
install -D -m 0644 deploy/sysusers.d/antrian.conf /etc/sysusers.d/antrian.conf
systemd-sysusers antrian.conf
install -D -m 0644 deploy/tmpfiles.d/antrian.conf /etc/tmpfiles.d/antrian.conf
systemd-tmpfiles --create antrian.conf
id antrian
install -o root -g antrian -m 0640 config.example.toml /etc/antrian/kiosk.toml
sed -i -e 's/^open = "07:30"/open = "00:00"/' -e 's/^close = "15:00"/close = "23:59"/' \\
    -e 's|^# tokens_file = "/etc/antrian/tokens"|tokens_file = "/etc/antrian/tokens"|' /etc/antrian/kiosk.toml
/opt/antrian/.venv/bin/kiosk check-config --config /etc/antrian/kiosk.toml
install -m 0644 kiosk.service /etc/systemd/system/kiosk.service
install -m 0644 deploy/antrian-report.service deploy/antrian-report.timer deploy/antrian-server.service \\
    /etc/systemd/system/
install -D -m 0644 deploy/journald.conf.d/antrian.conf /etc/systemd/journald.conf.d/antrian.conf
install -D -m 0644 tests/boot/container.conf /etc/systemd/system/kiosk.service.d/container.conf
systemctl restart systemd-journald
systemd-analyze verify /etc/systemd/system/kiosk.service /etc/systemd/system/antrian-server.service
# Section 13, a one-kiosk site: the server serves the kiosk's own day book, with a token for a
# second kiosk (MPP-2) that reaches it over HTTP.
ln -s kiosk.toml /etc/antrian/server.toml
/opt/antrian/.venv/bin/kiosk server-token MPP-2 > /root/mpp2-token
sed -n 4p /root/mpp2-token | install -o root -g antrian -m 0640 /dev/stdin /etc/antrian/tokens
sed -n 2p /root/mpp2-token | install -o root -g antrian -m 0640 /dev/stdin /etc/antrian/mpp2.token
sed -e 's/^kiosk_id = "MPP-1"/kiosk_id = "MPP-2"/' -e 's/^kind = "sqlite"/kind = "http"/' \\
    -e 's|^path = "/var/lib/antrian/daybook.sqlite3"|path = "/var/lib/antrian/mpp2.sqlite3"|' \\
    -e 's|^# url = .*|url = "http://127.0.0.1:8080/v1"|' \\
    -e 's|^# token_file = .*|token_file = "/etc/antrian/mpp2.token"|' \\
    -e 's|^preview_dir = "/var/lib/antrian/tickets"|preview_dir = "/var/lib/antrian/tickets-mpp2"|' \\
    /etc/antrian/kiosk.toml | install -o root -g antrian -m 0640 /dev/stdin /etc/antrian/mpp2.toml
/opt/antrian/.venv/bin/kiosk check-config --config /etc/antrian/mpp2.toml
systemctl daemon-reload
systemctl enable --now antrian-server.service kiosk.service antrian-report.timer
"""


class BootUnavailable(RuntimeError):
    """This machine cannot build or boot the container: the boot test fails with this reason."""


def run(cmd: list[str], timeout: float = 600, check: bool = True, **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise BootUnavailable(f"{' '.join(cmd[:6])} ... exited {result.returncode}:\n{result.stderr[-3000:]}")
    return result


def debian_mirror() -> str:
    """The Debian mirror apt already uses (deb822 .sources or one-line .list), never the security one."""
    texts = []
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        if path.suffix in (".list", ".sources") and path.is_file():
            texts.append(path.read_text(errors="replace"))
    for text in texts:
        for stanza in re.split(r"\n\s*\n", text):
            uris = re.search(r"^URIs:\s*(\S+)", stanza, re.M)
            suites = re.search(r"^Suites:\s*(.+)$", stanza, re.M)
            if uris and suites and SUITE in suites.group(1).split() and "security" not in uris.group(1):
                return uris.group(1)
        for match in re.finditer(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)", text, re.M):
            if match.group(2) == SUITE and "security" not in match.group(1):
                return match.group(1)
    raise BootUnavailable("no Debian bookworm mirror in /etc/apt/sources.list(.d)")


def host_apt_options() -> list[str]:
    """The host apt's proxy and Valid-Until settings, so mmdebstrap reaches the mirror as apt does."""
    dump = run(["apt-config", "dump"], timeout=60, check=False).stdout
    wanted = ("Acquire::http::Proxy ", "Acquire::https::Proxy ", "Acquire::Check-Valid-Until ")
    return [f"--aptopt={line.rstrip(';')}" for line in dump.splitlines() if line.startswith(wanted)]


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


@contextlib.contextmanager
def _cache_lock() -> Iterator[None]:
    """One builder at a time: CI runs the suite three times at once on one machine."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _build_once(target: Path, build: Callable[[Path], None]) -> Path:
    """Build ``target`` through a temporary folder renamed into place: never half a cache."""
    if target.is_dir():
        os.utime(target)  # in use: see STALE_S
        return target
    with _cache_lock():
        if target.is_dir():
            return target
        tmp = target.with_name(target.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        build(tmp)
        tmp.rename(target)
        # Builds for an older package list or older pins; another run may still boot one of them.
        for stale in CACHE.glob(target.name.split("-")[0] + "-*"):
            if stale != target and time.time() - stale.stat().st_mtime > STALE_S:
                shutil.rmtree(stale, ignore_errors=True)
    return target


def rootfs() -> Path:
    """The Debian root with PACKAGES, built once per package list."""
    if os.geteuid() != 0:
        raise BootUnavailable("the boot test needs root: systemd-nspawn boots the container (make test as root)")
    for tool in ("mmdebstrap", "systemd-nspawn", "nsenter", "unshare"):
        if shutil.which(tool) is None:
            raise BootUnavailable(f"{tool} is missing: scripts/setup.sh installs mmdebstrap and systemd-container")
    mirror = debian_mirror()
    key = _digest(SUITE, " ".join(PACKAGES))

    def build(tmp: Path) -> None:
        run(
            [
                "mmdebstrap",
                "--variant=minbase",
                "--include=" + ",".join(PACKAGES),
                *host_apt_options(),
                SUITE,
                str(tmp),
                mirror,
            ],
            timeout=1800,
        )

    return _build_once(CACHE / f"rootfs-{key}", build)


def venv(root: Path) -> Path:
    """``/opt/antrian/.venv`` for this root and these pinned dependencies, built once."""
    constraints = (ROOT / "constraints.txt").read_bytes()
    # The editable install maps each package folder by name: a new folder needs a new install.
    folders = sorted(str(p.relative_to(ROOT)) for name in ("kiosk", "printer") for p in (ROOT / name).rglob("*/"))
    folders = [f for f in folders if "__pycache__" not in f]
    key = _digest(root.name, constraints, (ROOT / "pyproject.toml").read_bytes(), "\n".join(folders))

    def build(tmp: Path) -> None:
        work = CACHE / f"build-{uuid.uuid4().hex[:8]}"
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())
        dependencies, build_requires = project["project"]["dependencies"], project["build-system"]["requires"]
        try:
            wheels, source = work / "wheels", work / "antrian"
            # The host's pip, with the host's index configuration: the container has no index.
            run(
                [
                    str(ROOT / ".venv/bin/python"),
                    "-m",
                    "pip",
                    "wheel",
                    "-q",
                    "-c",
                    str(ROOT / "constraints.txt"),
                    "-w",
                    str(wheels),
                    *dependencies,
                    *build_requires,
                ],
                timeout=1200,
            )
            # An editable install writes its build metadata into the source: a throw-away copy.
            source.mkdir(parents=True)
            for name in ("pyproject.toml", "constraints.txt", "README.md"):
                shutil.copy(ROOT / name, source)
            for name in ("kiosk", "printer"):
                shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
            tmp.mkdir(parents=True)
            (source / ".venv").mkdir()
            script = (
                "set -e; python3 -m venv /opt/antrian/.venv; "
                "/opt/antrian/.venv/bin/pip install -q --no-index --find-links /wheelhouse "
                "-c /opt/antrian/constraints.txt -e /opt/antrian"
            )
            run(
                [
                    "systemd-nspawn",
                    "--quiet",
                    "--register=no",
                    "--keep-unit",
                    f"--machine=antrian-venv-{uuid.uuid4().hex[:8]}",
                    "-D",
                    str(root),
                    "--volatile=overlay",
                    "--private-network",
                    f"--bind-ro={wheels}:/wheelhouse",
                    f"--bind={source}:/opt/antrian",
                    f"--bind={tmp}:/opt/antrian/.venv",
                    "--setenv=PYTHONDONTWRITEBYTECODE=",
                    "/bin/sh",
                    "-c",
                    script,
                ],
                timeout=1200,
                env={**CLEAN_ENV, "SYSTEMD_NSPAWN_LOCK": "0"},
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return _build_once(CACHE / f"venv-{key}", build)


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the test process dies, however it dies (a CI
    timeout's SIGKILL included). nspawn takes SIGTERM as "power the container off"."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG; it survives exec


def wait_for(what: str, predicate: Callable[[], object], timeout: float = 120, every: float = 0.5) -> object:
    """Poll until ``predicate`` is truthy; the deadline is generous, never a claim about speed."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(every)


class Container:
    """One booted container: systemd as PID 1 on an overlay of the cached root.

    The overlay's upper layer is ``state`` (a folder of the test's own): what one boot installs
    is there at the next, as on a real machine, while the cached root is never written.
    """

    def __init__(self, root: Path, state: Path, binds: list[str], log: Path) -> None:
        self.root = root
        self.state = state
        self.binds = binds
        self.log_path = log
        self.name = f"antrian-boot-{uuid.uuid4().hex[:8]}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.init_pid = 0
        self.started_at = 0.0

    def start(self) -> None:
        upper, work, merged = self.state / "upper", self.state / "work", self.state / "merged"
        for folder in (upper, work, merged):
            folder.mkdir(parents=True, exist_ok=True)
        nspawn = [
            "systemd-nspawn",
            "--boot",
            "--register=no",
            "--keep-unit",
            f"--machine={self.name}",
            "-D",
            str(merged),
            "--private-network",
            "--console=passive",
            *self.binds,
        ]
        # The overlay is mounted in a mount namespace of its own: it goes away with nspawn, even
        # when a run is killed, and the host never sees it.
        mount = f"mount -t overlay overlay -o lowerdir={self.root},upperdir={upper},workdir={work} {merged}"
        cmd = ["unshare", "--mount", "--propagation=private", "/bin/sh", "-c", f'{mount} && exec "$@"', "sh", *nspawn]
        self._log = open(self.log_path, "ab")  # noqa: SIM115  (closed in stop)
        self.started_at = time.time()  # the container shares the host's clock: journal times compare
        # SYSTEMD_NSPAWN_LOCK=0: several runs share the read-only root at once.
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env={**CLEAN_ENV, "SYSTEMD_NSPAWN_LOCK": "0"}, preexec_fn=_die_with_parent,
        )  # fmt: skip
        self.init_pid = int(wait_for("the container's init", self._find_init, timeout=120))  # type: ignore[call-overload]

    def _find_init(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise BootUnavailable(f"systemd-nspawn exited {self.proc.returncode}:\n{self.log_text()[-3000:]}")
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            pids = children.read_text().split()
        except OSError:
            return 0
        for pid in pids:
            with contextlib.suppress(OSError):
                if Path(f"/proc/{pid}/comm").read_text().strip() == "systemd":
                    return int(pid)
        return 0

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def exec(
        self,
        *args: str,
        user: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 300,
        cwd: str = "/",
        input: str | None = None,  # noqa: A002 (subprocess's name)
    ) -> subprocess.CompletedProcess[str]:
        """Run a command inside the container (all its namespaces), as root or as ``user``."""
        inner = ["env", "-i", f"--chdir={cwd}", *(f"{k}={v}" for k, v in {**CLEAN_ENV, **(env or {})}.items())]
        if user is not None:
            inner = ["runuser", "-u", user, "--", *inner]
        cmd = ["nsenter", "-t", str(self.init_pid), "-a", *inner, *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=CLEAN_ENV, input=input)

    def sh(self, script: str, **kwargs) -> subprocess.CompletedProcess[str]:
        return self.exec("/bin/sh", "-c", script, **kwargs)

    def check(self, *args: str, **kwargs) -> str:
        result = self.exec(*args, **kwargs)
        assert result.returncode == 0, (
            f"{args} exited {result.returncode}:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
        return result.stdout

    def systemctl(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return self.exec("systemctl", "--no-pager", *args, timeout=timeout)

    def prop(self, unit: str, name: str) -> str:
        return self.systemctl("show", "-P", name, unit).stdout.strip()

    def journal(self, *args: str) -> str:
        return self.exec("journalctl", "--no-pager", "-o", "short-iso-precise", *args).stdout

    def wait_booted(self, timeout: float = 180) -> None:
        def booted() -> bool:
            state = self.systemctl("is-system-running").stdout.strip()
            return state in ("running", "degraded")

        wait_for("the container's systemd to finish booting", booted, timeout=timeout)

    def stop(self) -> int | None:
        """Power the container off as a person would (``systemctl poweroff``); nspawn's exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None and not self.init_pid:
            self.proc.kill()  # it never got as far as an init to power off
            self.proc.wait()
        if self.proc.poll() is None and self.init_pid:
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                self.systemctl("poweroff", timeout=60)
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()  # nspawn's container dies with it (its init has PDEATHSIG)
                self.proc.wait()
        self._log.close()
        code, self.proc, self.init_pid = self.proc.returncode, None, 0
        return code
