"""Log lines the journal understands, and no NIK or token in them, even logged by mistake."""

from __future__ import annotations

import io
import logging
import os
import stat
from datetime import date

import pytest
from conftest import NIK_MAN_1945, NIK_WOMAN_1990

from kiosk.ops import logging as ops_logging
from kiosk.ops.logging import LogExportError, export_log, redact, setup_logging


@pytest.fixture
def journal_stream():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    redactor = setup_logging(logging.DEBUG, stream=stream, syslog_prefix=True)
    yield stream, redactor
    for handler in list(root.handlers):
        if getattr(handler, "_antrian", False):
            root.removeHandler(handler)
    root.setLevel(saved[1])


def test_a_nik_logged_by_mistake_comes_out_masked(journal_stream):
    stream, _ = journal_stream
    logging.getLogger("kiosk.ui.walkin").warning("walk-in refused for %s", NIK_MAN_1945)
    logging.getLogger("kiosk").error("typed: 3520 0152 0390 0002 at the keypad")
    out = stream.getvalue()
    assert NIK_MAN_1945 not in out
    assert "3520**********01" in out
    assert "0152 0390" not in out and "3520**********02" in out


def test_a_nik_inside_a_traceback_is_masked_too(journal_stream):
    stream, _ = journal_stream
    try:
        raise ValueError(f"bad NIK {NIK_WOMAN_1990}")
    except ValueError:
        logging.getLogger("kiosk").exception("check-in crashed")
    out = stream.getvalue()
    assert "Traceback" in out
    assert NIK_WOMAN_1990 not in out


def test_bearer_tokens_and_the_configured_token_never_reach_the_journal(journal_stream):
    stream, redactor = journal_stream
    redactor.add_secret("s3cr3t-kiosk-token-XYZ")
    log = logging.getLogger("kiosk.backends.http")
    log.warning("request headers: {'Authorization': 'Bearer eyJhbGciOi.JIUzI1NiJ9.abc-def_ghi'}")
    log.warning("retrying with s3cr3t-kiosk-token-XYZ")
    log.info('config: token = "plain-token-123"')
    out = stream.getvalue()
    for leaked in ("eyJhbGciOi", "s3cr3t-kiosk-token-XYZ", "plain-token-123"):
        assert leaked not in out
    assert "Bearer [disamarkan]" in out


def test_ticket_numbers_times_and_counts_are_left_alone():
    text = "issued A-001 at 2026-11-30 08:00:01, 15 ahead, booking MGT7K3Q9, id 1234567890"
    assert redact(text) == text


def test_each_line_carries_its_journal_priority(journal_stream):
    stream, _ = journal_stream
    log = logging.getLogger("kiosk.printer")
    log.error("printer cover open")
    log.warning("paper low")
    log.info("ticket printed")
    log.debug("status byte 0x12")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("print failed")
    lines = stream.getvalue().splitlines()
    assert lines[:4] == [
        "<3>ERROR kiosk.printer: printer cover open",
        "<4>WARNING kiosk.printer: paper low",
        "<6>INFO kiosk.printer: ticket printed",
        "<7>DEBUG kiosk.printer: status byte 0x12",
    ]
    # journald stores a traceback line by line: each one must keep the error priority.
    assert all(line.startswith("<3>") for line in lines[4:]) and len(lines) > 6


def test_on_a_terminal_lines_have_no_priority_prefix():
    stream = io.StringIO()
    root = logging.getLogger()
    try:
        setup_logging(logging.INFO, stream=stream)  # StringIO is no journal stream
        logging.getLogger("kiosk").info("hello")
    finally:
        for handler in list(root.handlers):
            if getattr(handler, "_antrian", False):
                root.removeHandler(handler)
    assert stream.getvalue() == "INFO kiosk: hello\n"


def test_setting_up_twice_does_not_double_every_line(journal_stream):
    stream, _ = journal_stream
    setup_logging(logging.INFO, stream=stream, syslog_prefix=False)
    logging.getLogger("kiosk").warning("once")
    assert stream.getvalue().count("once") == 1


# -- export -----------------------------------------------------------------------------------
# journald does not run in this container (no systemd as PID 1), so a script stands in for
# journalctl where the journal must have content; the real journalctl is used where it can be.


def fake_journalctl(tmp_path, body: str, rc: int = 0):
    script = tmp_path / "journalctl"
    script.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path}/argv\ncat <<'END'\n{body}\nEND\nexit {rc}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_the_exported_day_log_has_no_nik_even_if_the_journal_had_one(tmp_path):
    journal = (
        "2026-11-30T08:00:01+0700 kiosk kiosk[311]: INFO kiosk.core.usecases: issued walk-in A-001\n"
        f"2026-11-30T08:00:02+0700 kiosk kiosk[311]: ERROR legacy: NIK {NIK_MAN_1945} rejected"
    )
    out = export_log(tmp_path / "usb", journalctl=fake_journalctl(tmp_path, journal), day=date(2026, 11, 30))
    text = out.read_text()
    assert out.name == "kiosk-log-2026-11-30.txt"
    assert "issued walk-in A-001" in text
    assert NIK_MAN_1945 not in text and "3520**********01" in text
    argv = (tmp_path / "argv").read_text().split()
    assert argv[:6] == ["-u", "kiosk", "--since", "2026-11-30", "-o", "short-iso"]


def test_a_journalctl_failure_is_a_clear_error_not_an_empty_file(tmp_path):
    broken = fake_journalctl(tmp_path, "Failed to open journal", rc=1)
    with pytest.raises(LogExportError, match="journalctl gagal"):
        export_log(tmp_path / "usb", journalctl=broken)
    assert not (tmp_path / "usb").exists()


def test_without_journalctl_the_technician_is_told_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LogExportError, match="journalctl tidak ada"):
        export_log(tmp_path / "usb")


def test_the_real_journalctl_exports_todays_log_file(tmp_path):
    if ops_logging.shutil.which("journalctl") is None:
        pytest.skip("journalctl is not installed (scripts/setup.sh installs systemd)")
    out = export_log(tmp_path / "usb")
    assert out.exists() and out.parent == tmp_path / "usb"


def test_a_secret_hidden_once_is_hidden_in_every_later_line(journal_stream):
    stream, _ = journal_stream
    ops_logging.hide_secret("kiosk-token-7f3a9c")
    try:
        logging.getLogger("anything").error("connect failed with kiosk-token-7f3a9c in the URL")
    finally:
        ops_logging._HIDDEN.discard("kiosk-token-7f3a9c")
    assert "kiosk-token-7f3a9c" not in stream.getvalue()


def test_under_systemd_the_priority_prefix_switches_on_by_itself(tmp_path, monkeypatch):
    with (tmp_path / "journal-stream").open("w") as stream:
        st = os.fstat(stream.fileno())
        monkeypatch.setenv("JOURNAL_STREAM", f"{st.st_dev}:{st.st_ino}")
        assert ops_logging.stderr_is_journal(stream)
        root = logging.getLogger()
        try:
            setup_logging(logging.INFO, stream=stream)
            logging.getLogger("kiosk").warning("paper low")
        finally:
            for handler in list(root.handlers):
                if getattr(handler, "_antrian", False):
                    root.removeHandler(handler)
    assert (tmp_path / "journal-stream").read_text() == "<4>WARNING kiosk: paper low\n"
    monkeypatch.setenv("JOURNAL_STREAM", "1:2")  # another stream: not ours
    with (tmp_path / "other").open("w") as other:
        assert not ops_logging.stderr_is_journal(other)
