"""The technician PIN: only its hash is stored, wrong tries lock the gate, and the lock survives."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.backends.pin_lock import FileLockStore, lock_path
from kiosk.cli.pin_commands import with_pin_hash
from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.pin import (
    LOCKOUT,
    MAX_TRIES,
    PinFormatError,
    PinGate,
    PinHashError,
    PinOutcome,
    PinTooSimpleError,
    check_pin_format,
    check_pin_strength,
    hash_pin,
    parse_hash,
    verify_pin,
)

ROOT = Path(__file__).resolve().parents[2]
FAST = {"n": 2**4}  # tests trade the cost parameter for speed; the format is the same


@pytest.fixture
def stored() -> str:
    return hash_pin("2468", **FAST)


def test_the_stored_text_is_a_scrypt_hash_that_never_contains_the_pin() -> None:
    stored = hash_pin("24681357")
    assert stored.startswith("scrypt$16384$8$1$")
    assert "24681357" not in stored
    assert verify_pin("24681357", stored)
    assert not verify_pin("24681358", stored)


def test_the_same_pin_hashes_differently_each_time_because_of_the_salt() -> None:
    assert hash_pin("2468", **FAST) != hash_pin("2468", **FAST)


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "１２３４", " 1234", "12.4"])
def test_only_four_to_eight_ascii_digits_are_a_pin(pin: str) -> None:
    with pytest.raises(PinFormatError):
        check_pin_format(pin)
    with pytest.raises(PinFormatError):
        hash_pin(pin)


def test_a_malformed_pin_never_verifies(stored: str) -> None:
    assert not verify_pin("24", stored)
    assert not verify_pin("2468x", stored)


@pytest.mark.parametrize(
    "text",
    ["", "2468", "pbkdf2$1$2$3$a$b", "scrypt$abc$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "scrypt$1073741824$8$1$x$y"],
)
def test_a_hash_that_is_not_ours_is_rejected(text: str) -> None:
    with pytest.raises(PinHashError):
        parse_hash(text)


def test_a_config_without_a_pin_hash_keeps_technician_mode_disabled(clock: FixedClock) -> None:
    for text in ("", "   ", "not-a-hash"):
        gate = PinGate(text, clock)
        assert not gate.enabled
        assert gate.attempt("2468").outcome == PinOutcome.DISABLED


def test_five_wrong_pins_lock_the_gate_for_five_minutes_even_for_the_right_pin(stored: str, clock: FixedClock) -> None:
    gate = PinGate(stored, clock)
    results = [gate.attempt("1111") for _ in range(MAX_TRIES)]
    assert [r.tries_left for r in results[:-1]] == [4, 3, 2, 1]
    assert results[-1].outcome == PinOutcome.LOCKED
    assert results[-1].minutes_left == 5

    clock.travel(timedelta(minutes=2, seconds=30))
    refused = gate.attempt("2468")
    assert refused.outcome == PinOutcome.LOCKED
    assert refused.minutes_left == 3  # 2:30 left, shown rounded up

    clock.travel(LOCKOUT - timedelta(minutes=2, seconds=30))
    assert gate.attempt("2468").accepted


def test_a_right_pin_resets_the_count_of_wrong_tries(stored: str, clock: FixedClock) -> None:
    gate = PinGate(stored, clock)
    for _ in range(MAX_TRIES - 1):
        gate.attempt("0000")
    assert gate.attempt("2468").accepted
    assert gate.attempt("0000").tries_left == MAX_TRIES - 1


def test_the_lock_and_the_wrong_tries_survive_a_restart(stored: str, clock: FixedClock, tmp_path: Path) -> None:
    path = tmp_path / "technician-pin.json"
    gate = PinGate(stored, clock, FileLockStore(path))
    for _ in range(3):
        gate.attempt("9999")
    restarted = PinGate(stored, clock, FileLockStore(path))
    assert restarted.attempt("9999").tries_left == 1
    assert restarted.attempt("9999").outcome == PinOutcome.LOCKED

    after_power_cut = PinGate(stored, clock, FileLockStore(path))
    assert after_power_cut.attempt("2468").outcome == PinOutcome.LOCKED
    clock.travel(LOCKOUT)
    assert after_power_cut.attempt("2468").accepted


def test_a_clock_set_back_never_locks_longer_than_one_lockout(stored: str, clock: FixedClock, tmp_path: Path) -> None:
    gate = PinGate(stored, clock, FileLockStore(tmp_path / "lock.json"))
    for _ in range(MAX_TRIES):
        gate.attempt("9999")
    clock.travel(-timedelta(days=1))
    assert gate.attempt("2468").minutes_left == 5
    clock.travel(LOCKOUT)
    assert gate.attempt("2468").accepted


def test_a_broken_lock_file_does_not_lock_the_technician_out(stored: str, clock: FixedClock, tmp_path: Path) -> None:
    path = tmp_path / "lock.json"
    path.write_text("{not json", encoding="utf-8")
    assert PinGate(stored, clock, FileLockStore(path)).attempt("2468").accepted


def test_the_lock_file_lives_in_the_data_folder(config: config_mod.Config) -> None:
    assert lock_path(config).parent == config.backend.path.parent


# -- kiosk set-pin ------------------------------------------------------------------------------


def run_set_pin(config_path: Path, stdin: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANTRIAN_CONFIG": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-c", "from kiosk.cli import run; run()", "set-pin", "--config", str(config_path), *extra],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_set_pin_writes_only_the_hash_and_keeps_the_rest_of_the_file(config_path: Path) -> None:
    before = config_path.read_text(encoding="utf-8")
    done = run_set_pin(config_path, "135790\n135790\n")
    assert done.returncode == 0, done.stderr
    after = config_path.read_text(encoding="utf-8")
    assert "135790" not in after
    config = config_mod.load(config_path)
    assert verify_pin("135790", config.technician_pin_hash)
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and "technician_pin_hash" in changed[0][1]
    assert "# written by `kiosk set-pin`" in changed[0][1]  # its comment stays


def test_set_pin_refuses_two_different_pins_and_changes_nothing(config_path: Path) -> None:
    before = config_path.read_text(encoding="utf-8")
    done = run_set_pin(config_path, "1357\n1358\n")
    assert done.returncode == 2
    assert "tidak sama" in done.stderr
    assert config_path.read_text(encoding="utf-8") == before


def test_set_pin_refuses_a_pin_that_is_not_four_to_eight_digits(config_path: Path) -> None:
    before = config_path.read_text(encoding="utf-8")
    done = run_set_pin(config_path, "12\n12\n")
    assert done.returncode == 2
    assert "4 sampai 8 angka" in done.stderr
    assert config_path.read_text(encoding="utf-8") == before


def test_set_pin_disable_clears_the_hash(config_path: Path) -> None:
    assert run_set_pin(config_path, "2468\n2468\n").returncode == 0
    assert run_set_pin(config_path, "", "--disable").returncode == 0
    assert config_mod.load(config_path).technician_pin_hash == ""


def test_set_pin_adds_a_security_table_when_the_file_has_none() -> None:
    text = '[site]\nname = "x"\n\n[ui]\nlanguage = "id"\n'
    new = with_pin_hash(text, "scrypt$16$8$1$abc$def")
    assert tomllib.loads(new) == {**tomllib.loads(text), "security": {"technician_pin_hash": "scrypt$16$8$1$abc$def"}}
    assert new.startswith(text)


def test_set_pin_adds_the_key_inside_an_existing_security_table() -> None:
    text = '[security]\nsecret_path = "s"\n\n[[services]]\ncode = "KTP"\n'
    data = tomllib.loads(with_pin_hash(text, "h"))
    assert data["security"] == {"secret_path": "s", "technician_pin_hash": "h"}
    assert data["services"] == [{"code": "KTP"}]


# -- one lock file, several gates in several processes (issue 18 item 7) -------------------------

GATES = 3
LOCK_TRIALS = 5


def test_gates_in_three_processes_on_one_lock_file_allow_only_five_wrong_tries(stored: str, tmp_path: Path) -> None:
    """Each gate loaded, checked and saved on its own: three of them let 12 wrong tries in."""
    for trial in range(LOCK_TRIALS):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        barrier = folder / "go"
        workers = [
            subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("pin_worker.py")), str(folder / "pin.json"), stored]
                + [str(barrier)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for _ in range(GATES)
        ]
        barrier.touch()
        outcomes: list[str] = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            outcomes += out.split()
        # Every wrong try counted: MAX_TRIES - 1 answered "wrong", the fifth locked the gate.
        assert outcomes.count(PinOutcome.WRONG.value) == MAX_TRIES - 1, (trial, outcomes)
        assert outcomes.count(PinOutcome.LOCKED.value) == GATES


# -- trivial PINs and the scrypt cost of a tampered config --------------------------------------


@pytest.mark.parametrize(
    "pin", ["0000", "1111", "777777", "1234", "0123", "4321", "9876", "12345678", "3210", "1212", "2020", "696969"]
)
def test_a_trivial_pin_is_refused(pin: str) -> None:
    with pytest.raises(PinTooSimpleError):
        check_pin_strength(pin)


@pytest.mark.parametrize("pin", ["2468", "1357", "135790", "2580", "1122", "90817263"])
def test_a_pin_that_is_not_trivial_is_accepted(pin: str) -> None:
    assert check_pin_strength(pin) == pin


def test_set_pin_refuses_a_trivial_pin_in_three_languages_and_changes_nothing(config_path: Path) -> None:
    before = config_path.read_text(encoding="utf-8")
    for pin in ("0000", "1234"):
        done = run_set_pin(config_path, f"{pin}\n{pin}\n")
        assert done.returncode == 2
        assert "terlalu mudah ditebak" in done.stderr and "too easy to guess" in done.stderr
        assert "gampil sanget" in done.stderr
    assert config_path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("n", "r", "p"),
    [(2**20, 32, 1), (2**20, 8, 1), (2**17, 8, 1), (2**15, 8, 16), (2**16, 32, 1)],
)
def test_a_tampered_hash_asking_for_too_much_memory_or_work_is_refused(
    n: int, r: int, p: int, clock: FixedClock
) -> None:
    tampered = f"scrypt${n}${r}${p}$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"
    with pytest.raises(PinHashError):
        parse_hash(tampered)
    gate = PinGate(tampered, clock, None)
    assert not gate.enabled  # technician mode off, never a 4 GiB scrypt at the PIN screen


def test_the_default_cost_and_a_stronger_one_within_bounds_still_verify() -> None:
    for n in (2**14, 2**16):
        assert verify_pin("2468", hash_pin("2468", n=n))
