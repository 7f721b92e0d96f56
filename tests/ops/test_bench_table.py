"""make bench's table: every bench listed, a missing one said to be missing, a missed target visible."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import all as bench_all  # noqa: E402


def test_the_table_names_missing_benches_and_marks_missed_targets():
    rows = bench_all.normalise(
        [
            {"metric": "p99 lookup", "value": 3.5, "unit": "ms", "target": "<= 2", "met": False, "note": "a|b"},
            ("fds growth", 0, "fds", "0", True, ""),
            {"metric": "throughput", "value": 22.3, "unit": "tickets/s"},
        ]
    )
    text = bench_all.render({"soak": (rows, "", 91.0), "api": ([], "not written yet (bench/api.py missing)", 0.0)})
    lines = text.splitlines()
    assert "| soak | p99 lookup | 3.5 | ms | <= 2 | **NO** | a\\|b |" in lines
    assert "| soak | fds growth | 0 | fds | 0 | yes |  |" in lines
    assert "| soak | throughput | 22.3 | tickets/s |  | — |  |" in lines
    assert any(line.startswith("| api |") and "missing" in line for line in lines)
    assert any(line.startswith("- Machine:") and "Python 3." in line for line in lines)


def test_every_known_bench_is_run_or_reported_missing():
    names = bench_all.bench_names()
    assert names[:5] == ["core", "printer", "api", "ui", "soak"]
    rows, problem, _ = bench_all.run_one("no_such_bench")
    assert rows == [] and "missing" in problem
