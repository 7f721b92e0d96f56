# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""Eight kiosks in eight processes share one quota and one number sequence through the API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from api_support import KIOSKS, ApiServer, hasher, server  # noqa: F401  (fixtures)

HERE = Path(__file__).resolve().parent


@pytest.mark.slow
def test_eight_kiosks_issue_exactly_the_quota_with_no_number_twice(server: ApiServer, tmp_path: Path) -> None:
    now = server.clock.now()
    remaining = {q.service.code: q.remaining for q in server.api.book("").quotas(now)}["KTP"]
    go = tmp_path / "go"
    met = tmp_path / "met"
    met.mkdir()  # each kiosk waits there after its first try: all of them race, whatever the load
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(HERE / "walkin_client.py"),
                str(tmp_path / kiosk),
                server.url,
                kiosk,
                str(i * 1000),
                str(go),
                str(met),
                str(len(KIOSKS)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE,
        )
        for i, kiosk in enumerate(KIOSKS)
    ]
    try:
        go.touch()
        outputs = [w.communicate(timeout=120) for w in workers]
    finally:
        for w in workers:
            w.kill()
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-2000:]
    lines = [line for out, _ in outputs for line in out.splitlines()]
    assert lines.count("FULL") == len(KIOSKS)  # every kiosk was told "full", none crashed
    issued = [json.loads(line) for line in lines if line != "FULL"]
    numbers = [t["number"] for t in issued]
    assert len(numbers) == remaining  # exactly the quota: not one more, not one less
    assert len(set(numbers)) == len(numbers)  # no number printed twice
    assert {t["kiosk"] for t in issued} == set(KIOSKS)  # the kiosks really did share the work

    day = now.date()
    assert server.api.ledger.held(day) == []  # every unused leased number was given back
    stored = {t.number: t.id for t in server.api.book("").tickets(day) if t.service_code == "KTP"}
    assert stored == {t["number"]: t["id"] for t in issued}  # every issued number accounted for, nothing else
    assert {q.service.code: q.remaining for q in server.api.book("").quotas(now)}["KTP"] == 0
