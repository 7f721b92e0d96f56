"""python-escpos's profile cache (a pickle it writes in place): a kiosk process never dies on it,
neither on one left half-written (a power cut, a process killed mid-write) nor on one another
process is writing at that moment (seen at boot: ``kiosk walkin`` beside the starting kiosk)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

IMPORT = "import printer.service; print('OK')"


def start(folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "ESCPOS_CAPABILITIES_PICKLE_DIR": str(folder)}
    return subprocess.Popen(
        [sys.executable, "-c", IMPORT], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_a_half_written_profile_cache_is_built_again_instead_of_ending_the_printer(tmp_path: Path) -> None:
    pickle = tmp_path / f"{platform.python_version()}.capabilities.pickle"
    for torn in (b"", b"\x80\x04\x95\xff\xff\x00\x00\x00\x00\x00\x00}\x94(\x8c\x08profiles"):
        pickle.write_bytes(torn)
        os.utime(pickle, (2_000_000_000, 2_000_000_000))  # newer than the package's file: escpos trusts it
        process = start(tmp_path)
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and out.strip() == "OK", err
        assert pickle.stat().st_size > 1000  # written anew, whole


def test_kiosk_processes_starting_together_on_an_empty_cache_all_get_their_printer(tmp_path: Path) -> None:
    for _ in range(3):
        for old in tmp_path.glob("*.pickle"):
            old.unlink()
        processes = [start(tmp_path) for _ in range(6)]
        for process in processes:
            out, err = process.communicate(timeout=180)
            assert process.returncode == 0 and out.strip() == "OK", err
