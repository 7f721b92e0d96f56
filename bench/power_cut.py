"""Power cuts under a real kiosk, the big run of tests/powercut (a LazyFS-style FUSE layer).

    python -m bench.power_cut              # 300 cuts, a random seed (printed)
    python -m bench.power_cut 300 12345    # cuts, seed
    python -m bench.power_cut 60 7 weak    # the same with synchronous = NORMAL: must find losses
    python -m bench.power_cut 40 7 http    # an HTTP kiosk, its server away in some rounds

Each cut: every number told must survive, none be told twice, the kiosk come back by itself,
integrity_check be ok. Figures go to docs/benchmarks.md ("Power cuts").
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "powercut"))

import harness  # noqa: E402

CUTS = 100  # in make bench; the documented run used 300


def _run(cuts: int, seed: int, weak: bool, http: bool = False) -> tuple[harness.Figures, float]:
    with tempfile.TemporaryDirectory(prefix="antrian-powercut-") as folder:
        started = time.monotonic()
        if http:
            figures = harness.run_http(Path(folder), cuts, seed, log=lambda line: None)
        else:
            figures = harness.run(Path(folder), cuts, seed, weak=weak, log=lambda line: None)
        return figures, time.monotonic() - started


def results() -> list[dict[str, Any]]:
    figures, seconds = _run(CUTS, random.randrange(1 << 30), weak=False)
    note = figures.line()
    return [
        {"metric": "power cuts", "value": figures.cuts, "unit": "cuts", "target": None, "met": None, "note": note},
        {
            "metric": "numbers told across power cuts",
            "value": figures.told,
            "unit": "numbers",
            "target": None,
            "met": None,
            "note": f"{seconds:.0f} s",
        },  # fmt: skip
        {
            "metric": "told numbers lost or reissued",
            "value": len(figures.lost) + len(figures.reissued),
            "unit": "numbers",
            "target": 0,
            "met": figures.clean,
            "note": note,
        },  # fmt: skip
    ]


def main() -> int:
    cuts = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 30)
    weak = len(sys.argv) > 3 and sys.argv[3] == "weak"
    http = len(sys.argv) > 3 and sys.argv[3] == "http"
    figures, seconds = _run(cuts, seed, weak, http)
    print(figures.line() + f" in {seconds:.0f} s" + (" (synchronous = NORMAL)" if weak else ""))
    for kind in ("lost", "reissued", "not_back", "damaged"):
        for item in getattr(figures, kind)[:10]:
            print(f"  {kind}: {item}")
    return 0 if figures.clean or weak else 1


if __name__ == "__main__":
    sys.exit(main())
