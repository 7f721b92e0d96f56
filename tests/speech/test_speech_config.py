"""The [speech] section: documented defaults, and a wrong value reported with its key."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE_CONFIG, write_config

from kiosk.core import config as config_mod
from kiosk.core.config import ConfigError


def test_the_example_config_speaks_on_request_at_a_moderate_volume() -> None:
    speech = config_mod.load(EXAMPLE_CONFIG).speech
    assert speech.enabled and not speech.auto_speak
    assert speech.volume == 0.8 and speech.words_per_minute == 140
    assert speech.cache_dir == Path("/var/cache/antrian/speech")


def test_a_relative_cache_folder_is_beside_the_config_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, {'cache_dir = "speech"': 'cache_dir = "prompts/wav"'})
    assert config_mod.load(path).speech.cache_dir == tmp_path / "prompts" / "wav"


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        ({"volume = 0.8": "volume = 1.5"}, "speech.volume"),
        ({"volume = 0.8": "volume = -0.1"}, "speech.volume"),
        ({"volume = 0.8": "volume = nan"}, "speech.volume"),
        ({"volume = 0.8": 'volume = "keras"'}, "speech.volume"),
        ({"auto_speak = false": 'auto_speak = "ya"'}, "speech.auto_speak"),
        ({"words_per_minute = 140": "words_per_minute = 20"}, "speech.words_per_minute"),
        ({"auto_speak = false": "auto_speak = false\nloudness = 3"}, "speech.loudness"),
    ],
)
def test_a_wrong_speech_setting_is_reported_by_its_key(tmp_path: Path, edit: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_mod.load(write_config(tmp_path, edit))
    assert [p for p in caught.value.problems if p.startswith(f"{key}:")], caught.value.problems
