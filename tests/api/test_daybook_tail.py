"""A day book that lost its tail (a ``-wal`` deleted after a crash) refuses; it never reissues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from api_support import free_port, root
from server_process import ServerProcess

make_nik = root.make_nik


# ``kiosk walkin`` in its own process (as a technician or a script runs it), on Monday 08:00 WIB.
START = Path(__file__).resolve().parent.parent / "backends" / "start_together.py"


def _walkin(config: Path, index: int) -> tuple[int, str, str]:
    go = config.parent / "go"
    go.touch()
    argv = ["walkin", "--config", str(config), "--service", "KTP", "--nik", make_nik(200 + index)]
    done = subprocess.run(
        [sys.executable, str(START), str(go), *argv], capture_output=True, text=True, timeout=120, check=False
    )
    return done.returncode, done.stdout, done.stderr


def test_a_lost_wal_after_a_kill_is_refused_instead_of_reissuing_a_number(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    server = ServerProcess(folder, free_port())
    server.start()  # holds the day book open: the walk-ins' commits stay in daybook.sqlite3-wal
    config = folder / "kiosk.toml"
    try:
        told = [_walkin(config, index) for index in range(4)]
        assert [(code, f"A-{n:03d}" in out) for n, (code, out, _) in enumerate(told, 1)] == [(0, True)] * 4
    finally:
        server.kill()
    wal = folder / "daybook.sqlite3-wal"
    assert wal.stat().st_size > 0
    wal.unlink()  # someone "cleaned" the folder
    (folder / "daybook.sqlite3-shm").unlink(missing_ok=True)

    for _ in range(2):
        code, out, err = _walkin(config, 10)
        assert code == 4 and "A-0" not in out
        assert "Buku harian antrean tidak lengkap" in err and "docs/operations.md" in err
        assert "Traceback" not in err
    # The technician's way on (docs/operations.md): the next number comes after every number told.
    recovered = subprocess.run(
        [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main(sys.argv[1:]))"]
        + ["daybook-recover", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert recovered.returncode == 0 and "KTP #4" in recovered.stdout, recovered.stderr
    code, out, err = _walkin(config, 11)
    assert code == 0 and "A-005" in out, err
