"""The site secret that keys every NIK hash: made once for a fresh store, never silently again.

A new secret beside a day book full of hashes would make check-in by NIK find nothing and reset
the caps per NIK; a kiosk keyed differently from its day book would do the same. Both stop with
a message that tells the technician what to restore.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NIK_MAN_1945, run_cli, write_config

from kiosk.backends import secret

pytestmark = pytest.mark.usefixtures("cli_monday_morning")


def test_a_fresh_site_gets_a_secret_and_its_fingerprint_is_kept_in_the_day_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    assert run_cli(capsys, "quota", "--config", config)[0] == 0
    key = (tmp_path / "site.secret").read_bytes()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("daybook.sqlite3*"))
    assert secret.fingerprint(key).encode() in stored
    assert key not in stored


def test_a_lost_secret_beside_a_day_book_with_nik_hashes_stops_the_kiosk_instead_of_making_a_new_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    assert run_cli(capsys, "walkin", "--config", config, "--service", "KTP", "--nik", NIK_MAN_1945)[0] == 0
    (tmp_path / "site.secret").unlink()
    code, _out, err = run_cli(capsys, "walkin", "--config", config, "--service", "KK", "--nik", NIK_MAN_1945)
    assert code == 4
    assert "Kunci situs kios hilang" in err and "cadangan" in err
    assert not (tmp_path / "site.secret").exists()  # nothing recreated behind the technician's back
    code, _out, err = run_cli(capsys, "walkin", "--config", config, "--service", "KTP", "--nik", NIK_MAN_1945)
    assert code == 4  # the same NIK never gets a second number because its hash no longer matches


def test_a_kiosk_keyed_differently_from_its_day_book_is_refused_at_start_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    assert run_cli(capsys, "walkin", "--config", config, "--service", "KTP", "--nik", NIK_MAN_1945)[0] == 0
    (tmp_path / "site.secret").write_bytes(b"another site's secret, 32 bytes!")
    code, _out, err = run_cli(capsys, "walkin", "--config", config, "--service", "KTP", "--nik", NIK_MAN_1945)
    assert code == 4
    assert "Kunci situs kios tidak cocok" in err
    code, _out, err = run_cli(capsys, "quota", "--config", config)
    assert code == 4  # every command, not only issuing


def test_the_fingerprint_does_not_give_the_secret_away_and_tells_secrets_apart() -> None:
    one, other = b"a" * 32, b"b" * 32
    assert secret.fingerprint(one) == secret.fingerprint(one)
    assert secret.fingerprint(one) != secret.fingerprint(other)
    assert one.hex()[:16] not in secret.fingerprint(one)
