"""The pages work on an office network with no internet: every asset is ours, served by kiosk serve."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import requests
from web_support import Hall, hall

__all__ = ["hall"]

STATIC = Path(__file__).resolve().parents[2] / "kiosk" / "server" / "web" / "static"
REFERENCE = re.compile(r"""(?:src|href|data-chime)="([^"]+)"|url\("?([^")]+)"?\)|from "([^"]+)"|import\("([^"]+)"\)""")


def test_every_page_loads_only_assets_of_this_server(hall: Hall) -> None:
    seen: set[str] = set()
    for page in ("/", "/counter", "/display", "/rate/1", "/office"):
        answer = requests.get(hall.base + page, timeout=30)
        assert answer.status_code == 200, page
        assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
        for match in REFERENCE.finditer(answer.text):
            seen.add(next(group for group in match.groups() if group))
    for path in STATIC.rglob("*"):
        if path.suffix in (".css", ".js"):
            text = path.read_text(encoding="utf-8")
            assert "http://" not in text and "https://" not in text, path
            for match in REFERENCE.finditer(text):
                reference = next(group for group in match.groups() if group)
                seen.add(reference if reference.startswith("/") else "/assets/" + reference.removeprefix("./"))
    assert any(ref.endswith("chime.wav") for ref in seen) and any(ref.endswith(".ttf") for ref in seen)
    for reference in sorted(seen):
        assert reference.startswith("/"), f"{reference} is not on this server"
        assert requests.get(hall.base + reference, timeout=30).status_code == 200, reference


def test_the_front_page_names_each_staff_page_in_indonesian_english_and_basa_jawa(hall: Hall) -> None:
    front = requests.get(hall.base + "/", timeout=30).text
    for link in ('href="/counter"', 'href="/display"', 'href="/office"'):
        assert link in front
    saids = ("Halaman loket", "Counter page", "Kaca loket", "Untuk pengawas", "For the supervisor", "Kangge pengawas")
    assert [said for said in saids if said not in front] == []


def test_the_committed_chime_is_what_scripts_make_chime_makes() -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "make_chime.py"
    spec = importlib.util.spec_from_file_location("make_chime", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (STATIC / "sounds" / "chime.wav").read_bytes() == module.chime_bytes()
