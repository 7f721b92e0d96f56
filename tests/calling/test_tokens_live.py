# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""One token store for kiosks, counters and supervisors, read live from the tokens file.

A token removed from the file is refused at the very next request and a token added works at
once, over real HTTP on loopback, with no restart; a supervisor's token neither issues nor calls;
a token for a counter the config does not have signs in as nobody.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from calling_support import (  # noqa: F401  (fixtures)
    KIOSK_ID,
    Server,
    clock,
    counter_token,
    kiosk,
    kiosk_token,
    make_nik,
    server,
    site_config,
)

from kiosk.cli import main
from kiosk.core.config import Config
from kiosk.core.usecases import Kiosk
from kiosk.server.tokens import token_hash

WALK_IN = {"service_code": "KTP", "nik_hash": "a" * 64, "nik_masked": "3520**********01"}


def tokens_file(config: Config) -> Path:
    assert config.server.tokens_file is not None
    return config.server.tokens_file


def rewrite(path: Path, keep: object) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if keep(line)]  # type: ignore[operator]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_kiosk_token_removed_from_the_file_is_refused_at_once_without_a_restart(
    site_config: Config, server: Server
) -> None:
    # The kiosk's token is only in the file here (the fixture's fixed token has its own name).
    extra = "kiosk-token-MPP-7-0123456789"
    path = tokens_file(site_config)
    path.write_text(path.read_text(encoding="utf-8") + f"MPP-7 {token_hash(extra)}\n", encoding="utf-8")
    assert server.get("/quotas", extra).status_code == 200  # added: works at once
    assert server.post("/walk-ins", extra, WALK_IN).status_code == 201
    rewrite(path, lambda line: not line.startswith("MPP-7 "))
    assert server.get("/quotas", extra).status_code == 401  # removed: refused at the next request
    assert server.post("/walk-ins", extra, {**WALK_IN, "nik_hash": "b" * 64}).status_code == 401
    assert server.get("/quotas", kiosk_token()).status_code == 200  # the others keep working


def test_a_counter_token_removed_from_the_file_cannot_call_any_more(
    site_config: Config, server: Server, kiosk: Kiosk
) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    assert server.get("/counters/1", counter_token("1")).status_code == 200
    rewrite(tokens_file(site_config), lambda line: not line.startswith("1 "))
    assert server.get("/counters/1", counter_token("1")).status_code == 401
    assert server.call("1", "next").status_code == 401


def test_a_broken_line_written_while_serving_is_skipped_and_never_keeps_a_removed_token(
    site_config: Config, server: Server
) -> None:
    extra = "kiosk-token-MPP-7-0123456789"
    path = tokens_file(site_config)
    path.write_text(path.read_text(encoding="utf-8") + f"MPP-7 {token_hash(extra)}\n", encoding="utf-8")
    assert server.get("/quotas", extra).status_code == 200
    rewrite(path, lambda line: not line.startswith("MPP-7 "))
    path.write_text(path.read_text(encoding="utf-8") + "this line is no token line\n", encoding="utf-8")
    assert server.get("/quotas", extra).status_code == 401
    assert server.get("/counters/2", counter_token("2")).status_code == 200
    assert server.get("/quotas", kiosk_token(KIOSK_ID)).status_code == 200


def test_a_token_for_a_counter_the_config_does_not_have_signs_in_as_nobody(site_config: Config, server: Server) -> None:
    path = tokens_file(site_config)
    path.write_text(path.read_text(encoding="utf-8") + f"99 {token_hash(counter_token('99'))} counter\n", "utf-8")
    answer = server.get("/counters/99", counter_token("99"))
    assert answer.status_code == 401 and "Token loket tidak dikenal" in answer.json()["title"]


def test_an_office_token_can_neither_issue_nor_call(
    site_config: Config, server: Server, kiosk: Kiosk, capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    assert main(["office-token", "kasi-pelayanan", "--config", str(site_config.source)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    token, line = lines[0], lines[1]
    assert line.split()[0] == "kasi-pelayanan" and line.split()[2] == "office"
    path = tokens_file(site_config)
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    assert server.post("/walk-ins", token, WALK_IN).status_code == 401
    answer = server.post("/counters/1/next", token, {})
    assert answer.status_code == 403 and "Token kantor" in answer.json()["title"]
