"""``[[counters]]`` in the config: parsed, typed, and every wrong value reported with its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from calling_support import write_config

from kiosk.core import config as config_mod
from kiosk.core.config import ConfigError


def problems_of(tmp_path: Path, counters: str) -> list[str]:
    """The problems of the example config with its ``[[counters]]`` (its last part) replaced."""
    path = write_config(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("[[counters]]")] + counters + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config_mod.load(path)
    found: list[str] = caught.value.problems
    return found


def test_the_example_counters_are_typed_and_name_the_services_they_serve(tmp_path: Path) -> None:
    config = config_mod.load(write_config(tmp_path))
    second = config.counter("2")
    assert second is not None and second.services == ("KTP", "KK")
    assert [c.name for c in config.counters] == ["Loket 1", "Loket 2", "Loket 3"]


def test_a_wrong_service_code_a_duplicate_id_and_an_unknown_key_are_reported_by_their_keys(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        '[[counters]]\nid = "2"\nname = "Loket X"\nservices = ["KTP", "PASPOR"]\ncolour = "red"\n'
        '[[counters]]\nid = "2"\nname = "Loket Y"\nservices = ["KK"]',
    )
    assert any(p.startswith("counters[0].services: layanan PASPOR") for p in found)
    assert any(p.startswith("counters[0].colour: kunci tidak dikenal") for p in found)
    assert any(p.startswith("counters[1].id: loket 2 ganda") for p in found)


def test_a_counter_needs_an_id_fit_for_a_url_a_name_and_at_least_one_service(tmp_path: Path) -> None:
    found = problems_of(tmp_path, '[[counters]]\nid = "loket 1/a"\nservices = []')
    assert any(p.startswith("counters[0].id: huruf, angka") for p in found)
    assert any(p.startswith("counters[0].name: wajib diisi") for p in found)
    assert any(p.startswith("counters[0].services: minimal satu layanan") for p in found)


def test_a_public_url_must_be_an_http_address(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        config_mod.load(
            write_config(tmp_path, {'# public_url = "http://192.168.1.10:8080"': 'public_url = "192.168.1.10"'})
        )
    assert any(p.startswith("server.public_url:") for p in caught.value.problems)
