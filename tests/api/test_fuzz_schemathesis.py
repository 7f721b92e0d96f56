# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""Every operation of the published API document fuzzed by schemathesis against the real server.

The server runs on loopback (waitress in this process, the same day book as every other API
test); schemathesis runs as its own command so that all its phases run (examples, coverage,
fuzzing, stateful) with every check, among them: no 5xx, every answer and its content type as
documented, invalid data refused, valid data accepted, a missing required header refused, a 405
with ``Allow`` for methods the document does not list. A fixed seed, deterministic generation and
a bounded number of examples keep the run reproducible; the seed is printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from api_support import KIOSKS, ApiServer, hasher, server, token_of  # noqa: F401  (fixtures)

from kiosk.server.tokens import TokenStore, token_hash

SEED = 20261130
MAX_EXAMPLES = 5


def run_schemathesis(
    server: ApiServer, report: Path, token: str | None = None, only: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        server.url + "/openapi.json",
        "--url",
        server.url,
        "--checks",
        "all",
        "--exclude-checks",
        # One token per kiosk and no user-owned objects to cross: nothing for it to compare.
        "object_level_authorization",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        *(only or []),
    ]
    print(f"schemathesis seed {SEED}, {MAX_EXAMPLES} examples per operation")
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "fuzz_hooks",
        "PYTHONPATH": str(Path(__file__).parent),
        "ANTRIAN_FUZZ_TOKEN": token or token_of("MPP-3"),
    }
    # Its crash cache goes to the working directory: keep it out of the repository.
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, env=env, cwd=report.parent)


def figures(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Operations, cases, answers by status class and failed checks, from schemathesis' NDJSON events."""
    operations: set[str] = set()
    cases = failed_checks = 0
    statuses: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    for event in events:
        finished = event.get("ScenarioFinished")
        if not finished or not finished.get("recorder", {}).get("cases"):
            continue
        recorder = finished["recorder"]
        if finished["phase"] != "stateful":
            operations.add(recorder["label"])
        cases += len(recorder["cases"])
        phases[finished["phase"]] += len(recorder["cases"])
        for interaction in recorder["interactions"].values():
            if interaction.get("response"):
                statuses[f"{interaction['response']['status_code'] // 100}xx"] += 1
        failed_checks += sum(c["status"] == "failure" for checks in recorder["checks"].values() for c in checks)
    return {
        "operations": sorted(operations),
        "cases": cases,
        "by_phase": dict(phases),
        "answers": dict(sorted(statuses.items())),
        "server_errors": statuses.get("5xx", 0),
        "failed_checks": failed_checks,
    }


def test_every_operation_of_the_document_survives_the_fuzzer_with_no_server_error_and_no_answer_outside_it(
    server: ApiServer, tmp_path: Path
) -> None:
    report = tmp_path / "events.ndjson"
    done = run_schemathesis(server, report)
    print(done.stdout)
    events = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = figures(events)
    print("schemathesis figures:", {**found, "operations": len(found["operations"])})
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    spec: dict[str, Any] = server.api.spec  # type: ignore[assignment]
    documented = {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item}
    # Schemathesis leaves out the operation that serves the document it was loaded from.
    assert set(found["operations"]) == documented - {"GET /openapi.json"}
    assert found["cases"] > 10 * len(documented)
    assert found["by_phase"].get("stateful", 0) > 0
    assert found["server_errors"] == 0 and found["failed_checks"] == 0


def test_the_office_operations_survive_the_fuzzer_with_a_supervisor_token(server: ApiServer, tmp_path: Path) -> None:
    """The office's operations with the token that may use them: every rule's refusal is documented."""
    office = "office-token-for-the-fuzzer-0123456789"
    tokens = tmp_path / "tokens"
    tokens.write_text(f"kasi {token_hash(office)} office\n", encoding="utf-8")
    server.api.tokens = TokenStore(tokens, {k: token_hash(token_of(k)) for k in KIOSKS})
    report = tmp_path / "events.ndjson"
    done = run_schemathesis(server, report, office, ["--include-path-regex", "^/office"])
    print(done.stdout)
    events = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = figures(events)
    print("schemathesis figures (office):", {**found, "operations": len(found["operations"])})
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    spec: dict[str, Any] = server.api.spec  # type: ignore[assignment]
    office_operations = {
        f"{m.upper()} {path}" for path, item in spec["paths"].items() if path.startswith("/office") for m in item
    }
    assert set(found["operations"]) == office_operations and found["answers"].get("2xx", 0) > 0
    assert found["server_errors"] == 0 and found["failed_checks"] == 0
