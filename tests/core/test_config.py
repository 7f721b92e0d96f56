"""The config file: every problem is reported with its key, all at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_CONFIG, write_config
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core import config as config_mod
from kiosk.core.config import ConfigError


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config_mod.load(path)
    return caught.value.problems


def test_the_example_config_is_valid_and_documents_every_service_field() -> None:
    config = config_mod.load(EXAMPLE_CONFIG)
    assert [s.prefix for s in config.services] == ["A", "B", "C", "D", "E"]
    assert config.service("pindah") is not None and not config.service("PINDAH").walk_in  # type: ignore[union-attr]
    assert config.hours.release_time.strftime("%H:%M") == "11:00"
    assert config.site.other_sites[0].name == "Kantor Disdukcapil Magetan"
    standards = {s.code: s.standard_wait_minutes for s in config.services}
    assert standards["KTP"] == 30 and standards["KK"] == 0  # optional: KK sets no standard


def test_the_default_mounting_is_a_43_inch_portrait_floor_kiosk_half_of_it_out_of_reach(tmp_path: Path) -> None:
    path = tmp_path / "bare.toml"
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    path.write_text(text.split("[ui.mounting]")[0] + "[security]" + text.split("[security]")[1], encoding="utf-8")
    mounting = config_mod.load(path).ui.mounting  # no [ui.mounting] table: the defaults
    assert mounting == config_mod.load(EXAMPLE_CONFIG).ui.mounting
    assert (mounting.bottom_edge_mm, mounting.visible_height_mm) == (750, 952)
    assert mounting.above_floor_mm(1920, 1920) == 1702  # the top: out of reach
    assert round(mounting.window_y_px(1220, 1920)) == 948  # the band ends just below the middle


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = config_mod.load(write_config(tmp_path))
    assert config.backend.path == tmp_path / "daybook.sqlite3"
    assert config.secret_path == tmp_path / "site.secret"


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        ({"daily_quota = 60": 'daily_quota = "enam puluh"'}, "services[0].daily_quota"),
        ({"daily_quota = 60": "daily_quota = -1"}, "services[0].daily_quota"),
        ({"daily_quota = 60": "daily_quota = true"}, "services[0].daily_quota"),
        ({'prefix = "B"': 'prefix = "A"'}, "services[1].prefix"),
        ({'prefix = "B"': 'prefix = "BB"'}, "services[1].prefix"),
        ({'code = "CETAK"': 'code = "KTP"'}, "services[1].code"),
        ({'release_time = "11:00"': 'release_time = "11.00"'}, "hours.release_time"),
        ({'release_time = "11:00"': 'release_time = "25:00"'}, "hours.release_time"),
        ({'close = "15:00"': 'close = "07:00"'}, "hours.close"),
        ({"tickets_per_nik_per_day = 2": "tickets_per_nik_per_day = 0"}, "caps.tickets_per_nik_per_day"),
        ({"[caps]": "[caps]\nper_person = 3"}, "caps.per_person"),
        ({"[ui]": "[ui]\nfullscren = false"}, "ui.fullscren"),
        ({"fullscreen = true": 'fullscreen = "ya"'}, "ui.fullscreen"),
        ({'language = "id"': 'language = "fr"'}, "ui.language"),
        ({'kind = "preview"': 'kind = "laser"'}, "printer.kind"),
        ({"paper_mm = 80": "paper_mm = 76"}, "printer.paper_mm"),
        ({'kind = "preview"': 'kind = "network"'}, "printer.host"),
        ({'kind = "sqlite"': 'kind = "http"'}, "backend.url"),
        ({"timeout_s = 3.0": "timeout_s = 0"}, "printer.timeout_s"),
        ({"timeout_s = 3.0": "timeout_s = inf"}, "printer.timeout_s"),
        ({"timeout_s = 3.0": "timeout_s = nan"}, "printer.timeout_s"),
        ({"read_timeout_s = 10.0": "read_timeout_s = 1e300"}, "backend.read_timeout_s"),
        ({'booking_website = "http://antrian-disdukmagetan.com"': ""}, "site.booking_website"),
        ({'kiosk_id = "MPP-1"': 'kiosk_id = ""'}, "site.kiosk_id"),
        ({'documents = ["Kartu Keluarga (asli)"]': 'documents = "Kartu Keluarga"'}, "services[0].documents"),
        ({'address = "Jl. Tripandita No. 17, Magetan"': 'alamat = "x"'}, "site.other_sites[0].alamat"),
        ({"bottom_edge_mm = 750": 'bottom_edge_mm = "75 cm"'}, "ui.mounting.bottom_edge_mm"),
        ({"bottom_edge_mm = 750": "bottom_edge_mm = -5"}, "ui.mounting.bottom_edge_mm"),
        ({"bottom_edge_mm = 750": "bottom_edge_mm = 1100"}, "ui.mounting.bottom_edge_mm"),  # 120 mm in reach
        ({"visible_height_mm = 952": "visible_height_mm = 0"}, "ui.mounting.visible_height_mm"),
        ({"visible_height_mm = 952": "visible_heigth_mm = 952"}, "ui.mounting.visible_heigth_mm"),
        ({"max_priority_in_a_row = 3": "max_priority_in_a_row = -1"}, "calling.max_priority_in_a_row"),
        ({"regular_max_wait_minutes = 45": 'regular_max_wait_minutes = "45"'}, "calling.regular_max_wait_minutes"),
        ({"[calling]": "[calling]\npriority_ratio = 2"}, "calling.priority_ratio"),
        ({"standard_wait_minutes = 30": "standard_wait_minutes = -5"}, "services[0].standard_wait_minutes"),
        ({"standard_wait_minutes = 30": 'standard_wait_minutes = "30"'}, "services[0].standard_wait_minutes"),
    ],
)
def test_each_wrong_key_is_named_in_the_problem(tmp_path: Path, edit: dict[str, str], key: str) -> None:
    problems = problems_of(write_config(tmp_path, edit))
    assert any(p.startswith(f"{key}:") for p in problems), problems


def test_several_problems_are_all_reported_in_one_pass(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        {'prefix = "B"': 'prefix = "A"', "paper_mm = 80": "paper_mm = 76", "[ui]": "[ui]\ncolour = 1"},
    )
    keys = {p.split(":")[0] for p in problems_of(path)}
    assert {"services[1].prefix", "printer.paper_mm", "ui.colour"} <= keys


def test_a_missing_required_table_names_every_missing_key(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[ui]\nlanguage = "id"\n', encoding="utf-8")
    keys = {p.split(":")[0] for p in problems_of(path)}
    assert {"site", "site.office", "site.name", "site.code", "site.kiosk_id", "services"} <= keys


def test_an_unknown_top_level_table_is_reported(tmp_path: Path) -> None:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8") + "\n[printr]\nkind = 'usb'\n"
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    assert any(p.startswith("printr:") for p in problems_of(path))


@pytest.mark.parametrize(
    ("content", "words"),
    [(b'[site\nname = "x"', "TOML"), (b"\xff\xfe\x00\x01", "UTF-8"), (None, "tidak ada")],
)
def test_a_broken_or_missing_file_says_so_with_its_path(tmp_path: Path, content: bytes | None, words: str) -> None:
    path = tmp_path / "kiosk.toml"
    if content is not None:
        path.write_bytes(content)
    problems = problems_of(path)
    assert len(problems) == 1 and words in problems[0] and str(path) in problems[0]


def test_a_services_entry_that_is_not_a_table_is_named(tmp_path: Path) -> None:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8").replace("[[services]]", "[[svc]]")
    text = 'services = ["KTP"]\n' + text
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert any(p.startswith("services[0]:") for p in problems), problems


def _leaves(data: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _leaves(value, (*path, key))] + [path]
    if isinstance(data, list):
        return [p for index, value in enumerate(data) for p in _leaves(value, (*path, index))] + [path]
    return [path]


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.times(),
)


@settings(deadline=None, max_examples=300)
@given(st.data())
def test_any_wrong_value_anywhere_is_a_config_problem_never_a_crash(data: st.DataObject) -> None:
    import tomllib

    tree = tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    spot = data.draw(st.sampled_from([p for p in _leaves(tree) if p]))
    parent: Any = tree
    for step in spot[:-1]:
        parent = parent[step]
    value = data.draw(ANY_VALUE)
    if value is None:
        del parent[spot[-1]]
    else:
        parent[spot[-1]] = value
    try:
        config_mod.parse(tree, Path("/etc/antrian"))
    except ConfigError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert ":" in problem and problem.split(":")[0], problem
