"""The technician screen laid out on the real window, measured (issue 17 P3).

With a network printer out of paper the status has many lines; with unprinted tickets the list
has rows. In portrait 1080x1920 and landscape 1920x1080: every text and button lies on the
screen, no two overlap, and every button's words fit inside it. Texts inside a scrolling box
are measured as that box (they scroll inside it, clipped to it).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import NIK_MAN_1945, NIK_OTHER_REGION, NIK_WOMAN_1990, NIK_YOUNG
from test_technician import WITH_PIN, unlock

pytestmark = pytest.mark.ui

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "printer"))
from fake_printer import FakePrinter  # noqa: E402

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


@pytest.fixture
def out_of_paper(ui: Any) -> Iterator[FakePrinter]:
    """A network printer out of paper, and four walk-ins issued while it was: none came out."""
    from printer.service import build_ticket_printer

    with FakePrinter(state="paper_out") as fake:
        network = dataclasses.replace(ui.config.printer, kind="network", host=fake.host, port=fake.port, timeout_s=10.0)
        ui.kiosk.printer = build_ticket_printer(dataclasses.replace(ui.config, printer=network))
        printer, ui.kiosk.printer = ui.kiosk.printer, None  # issued with no printer: never printed
        for nik, service in (
            (NIK_YOUNG, "KK"),
            (NIK_WOMAN_1990, "KK"),
            (NIK_MAN_1945, "AKTA"),
            (NIK_OTHER_REGION, "KK"),
        ):
            ui.kiosk.issue_walk_in(service, nik)
        ui.kiosk.printer = printer
        yield fake


def rect(widget: Any) -> tuple[float, float, float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def parts(ui: Any) -> list[tuple[str, Any]]:
    """What is drawn: every text and button, and each scrolling box as one part."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView

    found: list[tuple[str, Any]] = []

    def walk(widget: Any) -> None:
        if widget.opacity == 0 or widget.height <= 0 or widget.width <= 0:
            return
        if isinstance(widget, ScrollView):
            found.append((f"scroll {widget_id(ui, widget)}", widget))
            return
        if (isinstance(widget, Label) and widget.text.strip()) or isinstance(widget, ButtonBehavior):
            found.append((getattr(widget, "text", "") or widget_id(ui, widget), widget))
            return
        for child in widget.children:
            walk(child)

    walk(ui.screen)
    return found


def widget_id(ui: Any, widget: Any) -> str:
    return next((name for name, w in ui.screen.ids.items() if w == widget), type(widget).__name__)


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """The overlapping area of two rectangles (touching edges do not count)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


@pytest.mark.parametrize("orientation", sorted(SIZES))
@pytest.mark.ui_options(config=WITH_PIN)
def test_nothing_on_the_technician_screen_overlaps_or_leaves_the_screen(
    ui: Any, out_of_paper: FakePrinter, orientation: str
) -> None:
    from kivy.uix.behaviors import ButtonBehavior

    width, height = SIZES[orientation]
    ui.window.size = (width, height)
    try:
        ui.pump(3)
        unlock(ui)
        ui.wait_until(lambda: ui.sees("Kertas habis") and ui.sees("C-003"), timeout=60, what="status and list")
        ui.pump(3)
        drawn = parts(ui)
        names = [name for name, _ in drawn]
        for needed in ("Mode teknisi", "Cetak ulang karcis", "Simpan log hari ini", "Belum tercetak", "Kembali"):
            assert needed in names, f"{orientation}: {needed!r} not drawn"
        assert "scroll status_scroll" in names and "scroll unprinted_scroll" in names

        for name, widget in drawn:
            x0, y0, x1, y1 = rect(widget)
            inside = x0 >= -0.5 and y0 >= -0.5 and x1 <= width + 0.5 and y1 <= height + 0.5
            assert inside, f"{orientation}: {name!r} at {(x0, y0, x1, y1)} is off the {width}x{height} screen"
            if isinstance(widget, ButtonBehavior) and getattr(widget, "text", ""):
                tw, th = widget.texture_size
                assert tw <= widget.width + 0.5 and th <= widget.height + 0.5, f"{orientation}: {name!r} overflows"
        for i, (name_a, a) in enumerate(drawn):
            for name_b, b in drawn[i + 1 :]:
                shared = overlap(rect(a), rect(b))
                assert shared < 1.0, f"{orientation}: {name_a!r} {rect(a)} overlaps {name_b!r} {rect(b)}"
    finally:
        ui.window.size = (1080, 1920)
        ui.pump(2)


@pytest.mark.ui_options(config=WITH_PIN)
def test_the_status_scrolls_inside_its_box_when_it_is_longer_than_the_box(ui: Any, out_of_paper: FakePrinter) -> None:
    ui.window.size = (1920, 1080)
    try:
        ui.pump(3)
        unlock(ui)
        ui.wait_until(lambda: ui.sees("Kertas habis"), timeout=60, what="the printer status")
        ui.pump(3)
        scroll, box = ui.find("status_scroll"), ui.find("status_box")
        assert box.height > scroll.height  # the long status of a network printer out of paper ...
        assert rect(scroll)[3] <= 1080 and rect(ui.find("title"))[3] <= 1080  # ... pushes nothing off the top
    finally:
        ui.window.size = (1080, 1920)
        ui.pump(2)
