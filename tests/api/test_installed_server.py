"""The server as a normal (non-editable) install runs it: the API document and the pages are
package data, so every call is checked and answered, not refused with 503.

The package is built from a copy of the source (a build writes into its tree) and installed with
pip into a folder of its own, offline, then ``kiosk serve`` runs from there, in another folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import requests
from api_support import root
from test_serve_cli import listening_url

from kiosk.server.tokens import token_hash

REPO = Path(__file__).resolve().parents[2]
TOKEN = "token-of-MPP-1-installed-0123456789"


def install(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for name in ("kiosk", "printer"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "installed"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-index", "--no-deps"]
    done = subprocess.run(
        [*pip, "--no-build-isolation", "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return target


def test_an_installed_server_checks_and_answers_every_call_and_serves_its_pages(tmp_path: Path) -> None:
    target = install(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "tokens").write_text(f"MPP-1 {token_hash(TOKEN)}\n", encoding="utf-8")
    config_path = root.write_config(site, {"# tokens_file =": 'tokens_file = "tokens"  #'})
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c", "import kiosk.server.app as a; print(a.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=site,
        check=True,
    )
    assert probe.stdout.strip().startswith(str(target))  # the installed copy, not the source tree
    server = subprocess.Popen(
        [sys.executable, "-c", "from kiosk.cli import run; run()", "serve", "--config", str(config_path), "--port=0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=site,
    )
    try:
        url = listening_url(server)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        answer = requests.get(url + "/quotas", headers=auth, timeout=30)
        assert answer.status_code == 200 and {s["code"] for s in answer.json()["services"]} >= {"KTP"}
        assert requests.get(url + "/openapi.json", timeout=30).json()["openapi"].startswith("3.1")
        keyed = {**auth, "Idempotency-Key": "k-installed-1"}
        bad = requests.post(url + "/walk-ins", headers=keyed, json={}, timeout=30)
        assert bad.status_code == 422 and bad.json()["code"] == "request_invalid"  # checked by the document
        base = url.removesuffix("/v1")
        assert "counter.js" in requests.get(base + "/counter", timeout=30).text
        assert requests.get(base + "/assets/counter.js", timeout=30).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
