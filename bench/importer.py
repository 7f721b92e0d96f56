"""The booking importer on an export just under its size limit: time and peak memory.

A CSV and a JSON export of about 8 MiB (some 70,000 bookings, over a year of the office's) are
imported into a fresh day book through ``bootstrap.build_importer`` in a child process each, so
the peak resident memory (``ru_maxrss``) is that import's alone. Before streaming, a 50 MB
export took 28 s and 1.38 GB.

    python -m bench.importer
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import print_rows

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import resource, sys, time
from pathlib import Path
from kiosk.bootstrap import build_importer
from kiosk.core import config as config_mod
config = config_mod.load(Path(sys.argv[1]))
importer = build_importer(config)
start = time.perf_counter()
result = importer.run(Path(sys.argv[2]))
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(seconds, result.added, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def _export(folder: Path, kind: str, limit: int) -> tuple[Path, int]:
    from kiosk.demo import made_up_nik

    rows: list[dict[str, str]] = []
    size = 0
    index = 0
    while size < limit * 0.97:
        row = {
            "code": f"MGT{index:06d}",
            "nik": made_up_nik(index),
            "name": f"Warga Nomor {index}",
            "service": ("KTP", "KK", "AKTA")[index % 3],
            "date": f"2026-{1 + index % 12:02d}-{1 + index % 28:02d}",
            "slot": f"{8 + index % 6:02d}:{index % 4 * 15:02d}",
            "site": "MPP",
            "status": "booked",
        }
        rows.append(row)
        size += len(json.dumps(row)) + 2 if kind == "json" else sum(len(v) + 1 for v in row.values())
        index += 1
    path = folder / f"export.{kind}"
    if kind == "json":
        path.write_text(json.dumps(rows), encoding="utf-8")
    else:
        header = ",".join(rows[0])
        path.write_text(header + "\n" + "\n".join(",".join(r.values()) for r in rows) + "\n", encoding="utf-8")
    return path, len(rows)


def results() -> list[dict[str, Any]]:
    from kiosk.backends.importer import MAX_EXPORT_BYTES

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import write_config

    rows: list[dict[str, Any]] = []
    for kind in ("csv", "json"):
        with tempfile.TemporaryDirectory(prefix="bench-import-") as name:
            folder = Path(name)
            config = write_config(folder)
            path, count = _export(folder, kind, MAX_EXPORT_BYTES)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(config), str(path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            wall = time.perf_counter() - started
            seconds, added, max_rss_kb, cpu = done.stdout.split()
            size_mb = path.stat().st_size / 1024 / 1024
            note = f"{count} bookings, {size_mb:.1f} MB file, {added} added; CPU {float(cpu):.1f} s"
            note += f"; process wall time {wall:.1f} s"
            rows.append(
                {
                    "metric": f"import {kind} at the size limit",
                    "value": round(float(seconds), 1),
                    "unit": "s",
                    "target": "",
                    "met": None,
                    "note": note,
                }
            )
            rows.append(
                {
                    "metric": f"import {kind}: peak memory",
                    "value": round(int(max_rss_kb) / 1024),
                    "unit": "MB",
                    "target": "<= 400",
                    "met": int(max_rss_kb) / 1024 <= 400,
                    "note": "whole process (Python + SQLite)",
                }
            )
    return rows


if __name__ == "__main__":
    print_rows(results())
