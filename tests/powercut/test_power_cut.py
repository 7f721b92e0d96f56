"""Power cuts (not kills: the page cache goes too) at random instants under a real kiosk.

The file system of ``lazyfs.py`` keeps what was not synced in memory and loses, tears or
reorders it at the cut. Verdicts after every cut: each number a person was told survives,
none is told twice, the kiosk comes back by itself, and the day book passes integrity_check.
The seed is printed; ``ANTRIAN_POWERCUT_SEED`` replays a run. The big run: ``python -m
bench.power_cut`` (figures in docs/benchmarks.md).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402

CUTS = 9
WEAK_CUTS = 30


def _seed() -> int:
    seed = int(os.environ.get("ANTRIAN_POWERCUT_SEED", random.randrange(1 << 30)))
    print(f"power-cut seed {seed} (ANTRIAN_POWERCUT_SEED={seed} replays it)")
    return seed


def test_power_cuts_at_random_instants_lose_no_told_number_and_repeat_none(tmp_path: Path) -> None:
    figures = harness.run(tmp_path, CUTS, _seed())
    print(figures.line())
    assert figures.cuts == CUTS and figures.fresh_sites == CUTS // 3
    assert figures.lost == [], figures.line()
    assert figures.reissued == [], figures.line()
    assert figures.not_back == [], figures.line()
    assert figures.damaged == [], figures.line()


def test_the_harness_finds_the_loss_when_the_day_book_commits_with_synchronous_normal(tmp_path: Path) -> None:
    """The proof the harness can fail: commits that are not fsynced lose numbers already told."""
    figures = harness.run(tmp_path, WEAK_CUTS, _seed(), weak=True, until=lambda f: bool(f.lost or f.reissued))
    print(figures.line())
    assert figures.lost or figures.reissued, figures.line()


HTTP_CUTS = 4


def test_power_cuts_under_an_http_kiosk_keep_every_number_it_told_offline(tmp_path: Path) -> None:
    figures = harness.run_http(tmp_path, HTTP_CUTS, _seed())
    print(figures.line())
    assert figures.lost == [], figures.line()
    assert figures.reissued == [], figures.line()
    assert figures.not_back == [], figures.line()
    assert figures.damaged == [], figures.line()
