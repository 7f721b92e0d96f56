"""An http kiosk's `kiosk walkin --key K` killed after the server numbered it, and retried: the
person gets that ticket, the server holds one number for them, never a ghost beside a second."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from time import monotonic, sleep

import pytest
from api_support import NIK_YOUNG, SECRET, free_port, kiosk_config
from server_process import ServerProcess

from kiosk.core.nik import NikHasher

ROOT = Path(__file__).resolve().parent.parent.parent
CLI = ROOT / "tests" / "cli" / "cli_process.py"


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[ServerProcess]:
    folder = tmp_path / "server"
    folder.mkdir()
    (folder / "site.secret").write_bytes(SECRET)  # one site, one secret: the kiosk's and the server's
    process = ServerProcess(folder, free_port())
    process.start()
    yield process
    process.kill()


def numbers_held(day_book: Path, nik_hash: str) -> list[str]:
    db = sqlite3.connect(f"file:{day_book}?mode=ro", uri=True, timeout=30)
    try:
        return [str(r[0]) for r in db.execute("SELECT number FROM tickets WHERE nik_hash = ?", (nik_hash,))]
    finally:
        db.close()


@pytest.mark.slow
def test_an_http_walk_in_killed_after_the_server_numbered_it_and_retried_with_its_key_gets_that_ticket(
    server_process: ServerProcess, tmp_path: Path
) -> None:
    kiosk_config(tmp_path / "MPP-1", server_process.url, "MPP-1", lease=1)
    config = tmp_path / "MPP-1" / "kiosk.toml"
    argv = [sys.executable, str(CLI), "walkin", "--http", "--config", str(config), "--json"]
    argv += ["--service", "KTP", "--nik", NIK_YOUNG, "--key", "http-walk-in-0001"]
    day_book = server_process.folder / "daybook.sqlite3"
    nik_hash = NikHasher(SECRET).hash(NIK_YOUNG)

    first = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = monotonic() + 60
    while not numbers_held(day_book, nik_hash) and first.poll() is None and monotonic() < deadline:
        sleep(0.005)  # polling the condition "the server numbered it", with a generous deadline
    if first.poll() is None:
        first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    [number] = numbers_held(day_book, nik_hash)

    env = {**os.environ, "CLI_MINUTES_PAST_8": "1"}
    again = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT, check=False, env=env)
    assert again.returncode == 0, again.stderr
    answer = json.loads(again.stdout)
    assert answer["ticket"]["number"] == number and answer["existing"] is True
    assert numbers_held(day_book, nik_hash) == [number]  # one number for this person, the one handed out
