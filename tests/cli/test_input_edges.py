"""CLI and config at the edges: a NIK flag takes only a NIK, no NIK-like value reaches a URL,
every command (check-config too) ends in its documented exit code, never a traceback."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli, write_config

from kiosk.core import config as config_mod
from kiosk.core.config import ConfigError

NIK_WITH_A_LETTER = "352001450790000A"


pytestmark = pytest.mark.usefixtures("cli_monday_morning")


class _Recorder(http.server.BaseHTTPRequestHandler):
    paths: list[str] = []

    def _answer(self) -> None:
        type(self).paths.append(self.path)
        body = b'{"type":"about:blank","title":"nope","status":404,"code":"booking_not_found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/problem+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def http_kiosk(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A kiosk whose backend is a loopback HTTP server that records every request path."""
    _Recorder.paths = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    token = tmp_path / "kiosk.token"
    token.write_text("t" * 40, encoding="utf-8")
    path = write_config(
        tmp_path,
        {
            'kind = "sqlite"': 'kind = "http"',
            '# url = "https://antrian.example.go.id/api/v1"': f'url = "http://127.0.0.1:{server.server_port}/v1"',
            '# token_file = "/etc/antrian/token"': f'token_file = "{token}"',
        },
    )
    try:
        yield path, _Recorder.paths
    finally:
        server.shutdown()
        server.server_close()


def test_checkin_nik_with_a_letter_is_bad_input_not_a_booking_code(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run_cli(capsys, "checkin", "--config", config_path, "--nik", NIK_WITH_A_LETTER)
    assert code == 2
    assert "NIK hanya berisi angka" in err
    assert NIK_WITH_A_LETTER not in err


def test_no_nik_like_value_goes_into_a_url_on_the_http_backend(
    http_kiosk: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    config_path, paths = http_kiosk
    assert run_cli(capsys, "checkin", "--config", config_path, "--nik", NIK_WITH_A_LETTER)[0] == 2
    # Typed as a code, a NIK with one wrong key is still no booking code: refused before any request.
    code, _out, err = run_cli(capsys, "checkin", "--config", config_path, "--code", NIK_WITH_A_LETTER)
    assert code == 2
    assert "Kode booking" in err
    assert [p for p in paths if "3520014507" in p] == []
    # A real code still goes to the server (so the recorder sees requests at all).
    run_cli(capsys, "checkin", "--config", config_path, "--code", "MGT7K3Q9")
    assert any("MGT7K3Q9" in p for p in paths)


def test_check_config_on_a_deeply_nested_file_is_a_config_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nested.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, _out, err = run_cli(capsys, "check-config", "--config", path)
    assert code == 2
    assert "Traceback" not in err
    assert "nested" in err


def test_an_empty_backend_path_is_named_by_check_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, {'path = "daybook.sqlite3"': 'path = ""'})
    code, _out, err = run_cli(capsys, "check-config", "--config", path)
    assert code == 2
    assert "backend.path" in err


def test_every_command_goes_through_the_error_handler(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug in any command still ends in exit 4 with a plain message, never a traceback."""

    def broken(_path: Path) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("kiosk.cli.core_commands.load", broken)
    code, _out, err = run_cli(capsys, "check-config", "--config", tmp_path / "kiosk.toml")
    assert code == 4
    assert "Terjadi kesalahan pada kios" in err  # the plain message; the traceback goes to the log for the technician


ENGLISH_HALVES_MUST_NOT_SAY = ("teks", "bilangan", "tabel", "daftar", "angka", "huruf", "wajib", "kosong")


@pytest.mark.parametrize(
    "edit",
    [
        {'name = "MPP Magetan - Pasar Baru Lt. 2"': "name = 5"},
        {"daily_quota = 40": 'daily_quota = "banyak"'},
        {"[hours]": "hours = 3\n[jam]"},
        {'documents = ["Kartu Keluarga (asli)"]': "documents = [1, 2]"},
        {'prefix = "A"': 'prefix = "AA"'},
    ],
)
def test_the_english_half_of_each_config_message_is_english(tmp_path: Path, edit: dict[str, str]) -> None:
    path = write_config(tmp_path, edit)
    with pytest.raises(ConfigError) as caught:
        config_mod.load(path)
    for problem in caught.value.problems:
        assert " / " in problem, problem
        english = problem.rsplit(" / ", 1)[1].lower()
        assert not [w for w in ENGLISH_HALVES_MUST_NOT_SAY if w in english.split()], problem
