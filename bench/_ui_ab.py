"""Cold start, before against after: ``bench.ui``'s start modes for two source trees, interleaved
round by round (machine noise hits both alike), each tree's own ``bench/ui.py`` child. A helper of
``bench/ui.py`` (its name starts with ``_``: ``make bench`` does not run it).

    git archive <commit> | tar -x -C /tmp/before      # the older tree, anywhere outside the repo
    python -m bench._ui_ab /tmp/before 12              # 12 rounds; prints both trees' figures

Each round runs bare, ``kiosk run``, an http kiosk and the two first-tap runs for both trees, the
order of the trees swapped every round. Printed: ``bench.ui``'s lines for each tree, each round's
CPU ratio (kiosk / bare of the same round and tree) and how many are above 1.3, the load average.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import ui


def main() -> None:
    before, runs = Path(sys.argv[1]).resolve(), int(sys.argv[2]) if len(sys.argv) > 2 else ui.RUNS
    trees = {"before": before, "after": ui.ROOT}
    homes: dict[str, Path] = {}
    try:
        compare(trees, homes, runs)
    finally:
        for home in homes.values():
            shutil.rmtree(home, ignore_errors=True)


def compare(trees: dict[str, Path], homes: dict[str, Path], runs: int) -> None:
    for name, root in trees.items():
        ui.ROOT = root  # run_child, _env and compile_sources work on ui.ROOT
        home = Path(tempfile.mkdtemp(prefix=f"antrian-bench-ab-{name}-"))
        (home / "escpos").mkdir()
        ui.compile_sources()
        ui._write_sites(home)
        homes[name] = home
        for mode in ("bare", "kiosk", "kiosk_http"):  # warm-up, as bench.ui does
            ui.run_child(mode, home)
    samples: dict[str, dict[str, list[dict[str, Any]]]] = {name: {m: [] for m in ui.START_MODES} for name in trees}
    loads = [os.getloadavg()[0]]
    for round_no in range(runs):
        for mode in ui.START_MODES:
            for name in ("before", "after") if round_no % 2 == 0 else ("after", "before"):
                ui.ROOT = trees[name]
                child = "tap" if mode.startswith("tap") else mode
                after = {"BENCH_UI_TAP_AFTER": str(ui.TAP_LATE_S if mode == "tap_late" else 0.0)}
                seconds, report = ui.run_child(child, homes[name], extra_env=after)
                samples[name][mode].append(ui.round_figures(report, child, seconds))
        loads.append(os.getloadavg()[0])
        print(f"round {round_no + 1} of {runs}, load average {loads[-1]:.1f}", flush=True)
    for name in trees:
        print(f"== {name} ({trees[name]})")
        for line in ui.start_lines({"samples": samples[name], "runs": runs, "load": (loads[0], loads[-1])}):
            print(line)
        for mode in ("kiosk", "kiosk_http"):
            pairs = zip(samples[name][mode], samples[name]["bare"], strict=True)
            ratios = [k["cpu_s"] / b["cpu_s"] for k, b in pairs]
            above = sum(r > ui.TARGET_START_RATIO for r in ratios)
            print(f"{mode:10s} CPU ratio per round: {' '.join(f'{r:.2f}' for r in ratios)}; above 1.3: {above}")
    print("load average per round: " + " ".join(f"{v:.1f}" for v in loads))


if __name__ == "__main__":
    main()
