# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""An http kiosk's daily report (GET /v1/reports/{day}) carries the office's actions of the day, so
the report a technician exports at the kiosk says what the office changed, like the server's own."""

from __future__ import annotations

from pathlib import Path

from api_support import MONDAY_0800, NIK_YOUNG, ApiServer, hasher, kiosk_config, server  # noqa: F401
from PIL import Image

from kiosk.backends.http import HttpBackend
from kiosk.ops.report_export import actions_path, write_report


def test_an_http_kiosks_report_carries_the_offices_actions_and_no_nik(server: ApiServer, tmp_path: Path) -> None:
    desk = server.api.office
    server.clock.current = MONDAY_0800.replace(hour=10, minute=5)
    desk.close_service("kasi", "KTP", f"Blangko KTP-el habis (ditanya warga {NIK_YOUNG})")
    server.clock.current = MONDAY_0800.replace(hour=13, minute=0)
    desk.open_service("kasi", "KTP")
    backend = HttpBackend(kiosk_config(tmp_path / "kiosk", server.url), auto_sync=False, clock=server.clock)
    try:
        report = backend.daily_report(MONDAY_0800.date(), server.clock.now())
    finally:
        backend.close()
    assert [(a.who, a.action, a.target) for a in report.office_actions] == [
        ("kasi", "close-service", "KTP"),
        ("kasi", "open-service", "KTP"),
    ]
    masked = NIK_YOUNG[:4] + "*" * 10 + NIK_YOUNG[-2:]
    assert report.office_actions[0].why == f"Blangko KTP-el habis (ditanya warga {masked})"

    _, png = write_report(report, tmp_path / "out")
    with Image.open(png) as image:
        description = str(image.text["Description"])
    assert f"Perekaman KTP-el ditutup 10.05–13.00: Blangko KTP-el habis (ditanya warga {masked})" in description
    record = actions_path(report.day, tmp_path / "out").read_text(encoding="utf-8")
    assert "kasi" in record and "kasi" not in description
    for written in (record, description, png.read_bytes().decode("latin-1")):
        assert NIK_YOUNG not in written
