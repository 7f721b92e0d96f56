"""Run every benchmark and rewrite docs/benchmarks.md with one table (``make bench``).

Each ``bench/<name>.py`` exposes ``results()`` returning rows: dicts with ``metric``, ``value``,
``unit``, ``target``, ``met`` (True, False or None when there is no target) and ``note`` (or
tuples in that order). Every bench runs in its own Python process: one Kivy window per
process, and the soak's file-descriptor and thread counts must not include another bench's.
A bench that is missing is listed as such; one that fails is listed with its error and the
others still run.

    python -m bench.all               # all of them
    python -m bench.all soak printer  # only these (the table then holds only these)
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DOC = ROOT / "docs" / "benchmarks.md"
# Figures from test runs (chaos, fuzzing) live below this line; a bench run keeps them as they are.
KEPT = "<!-- Below: figures from test runs, kept as they are by make bench. -->"
KNOWN = ("core", "printer", "api", "ui", "soak")  # in this order; others found in bench/ follow
FIELDS = ("metric", "value", "unit", "target", "met", "note")
TIMEOUT_S = 900


def bench_names() -> list[str]:
    found = sorted(
        p.stem for p in BENCH.glob("*.py") if p.stem not in ("__init__", "all") and not p.stem.startswith("_")
    )
    return [*KNOWN, *(n for n in found if n not in KNOWN)]  # a missing known bench is listed as missing


def normalise(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows as dicts with every field, whatever shape a bench returned them in."""
    out = []
    for row in rows:
        if isinstance(row, dict):
            data = {k: row.get(k, "") for k in FIELDS}
        elif isinstance(row, list | tuple):
            data = dict(zip(FIELDS, [*row, *([""] * len(FIELDS))], strict=False))
        else:
            data = {k: getattr(row, k, "") for k in FIELDS}
        data["met"] = data["met"] if isinstance(data["met"], bool) else None
        out.append(data)
    return out


def run_one(name: str) -> tuple[list[dict[str, Any]], str, float]:
    """(rows, problem, seconds) for one bench, run in a child process."""
    if not (BENCH / f"{name}.py").exists():
        return [], f"not written yet (bench/{name}.py missing)", 0.0
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.all", "--one", name, str(out)], cwd=ROOT, timeout=TIMEOUT_S, check=False
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            return [], f"failed (exit {done.returncode}; its output is above)", seconds
        return normalise(json.loads(out.read_text())), "", seconds
    except subprocess.TimeoutExpired:
        return [], f"did not finish within {TIMEOUT_S} s", time.perf_counter() - started
    finally:
        out.unlink(missing_ok=True)


def child(name: str, out: str) -> int:
    """In the child: import the bench, call results(), write them as JSON."""
    import importlib

    module = importlib.import_module(f"bench.{name}")
    rows = normalise(module.results())
    Path(out).write_text(json.dumps(rows, default=str))
    return 0


def machine() -> str:
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip().lower(), value.strip())
    except OSError:
        pass
    # x86: "model name"; Raspberry Pi: "Model" (the board), "Hardware" on older kernels.
    cpu = fields.get("model name") or fields.get("hardware") or fields.get("model", "")
    cpu = "" if cpu.isdigit() else cpu
    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}){f', {cpu}' if cpu else ''}; "
        f"Python {platform.python_version()}; {platform.system()} {platform.release()} {platform.machine()}"
    )


def cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def render(results: dict[str, tuple[list[dict[str, Any]], str, float]]) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.all`); do not edit by hand, run it again.",
        "",
        f"- Date: {now}",
        f"- Machine: {machine()}",
        "- Each bench runs in its own process; figures on a shared, noisy machine vary by ±20 %.",
        "",
        "| Bench | Metric | Value | Unit | Target | Met? | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (rows, problem, seconds) in results.items():
        if problem:
            lines.append(f"| {name} | — | — | | | | {cell(problem)} |")
            continue
        for row in rows:
            met = {True: "yes", False: "**NO**", None: "—"}[row["met"]]
            lines.append(
                f"| {name} | {cell(row['metric'])} | {cell(row['value'])} | {cell(row['unit'])} | "
                f"{cell(row['target'])} | {met} | {cell(row['note'])} |"
            )
        lines.append(f"| {name} | bench run time | {seconds:.0f} | s | | — | |")
    lines += ["", "Per-bench details: `python -m bench.<name>` prints its own figures.", ""]
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["--one"]:
        return child(argv[1], argv[2])
    names = list(argv) or bench_names()
    results: dict[str, tuple[list[dict[str, Any]], str, float]] = {}
    for name in names:
        print(f"== bench {name}", flush=True)
        results[name] = run_one(name)
        rows, problem, seconds = results[name]
        print(f"== bench {name}: {problem or f'{len(rows)} figures'} ({seconds:.0f} s)", flush=True)
    DOC.parent.mkdir(parents=True, exist_ok=True)
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    kept = old[old.index(KEPT) :] if KEPT in old else ""
    DOC.write_text(render(results) + ("\n" + kept if kept else ""), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    missed = [f"{n}: {r['metric']}" for n, (rows, _, _) in results.items() for r in rows if r["met"] is False]
    for line in missed:
        print(f"target missed: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
