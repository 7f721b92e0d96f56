"""Issue 17: the done screen of a ticket that did not (or may not) come out speaks what it shows.

Held by the printer (it comes out by itself), maybe printed (look in the tray, else "Cetak
lagi"), unprinted ("Cetak lagi", or show the number): never "Karcis gagal dicetak ... tunjukkan
nomor" for all three. In Indonesian, English and Basa Jawa, on the real window, through the
real "Dengarkan" button and the real speech (espeak-ng, Kivy's SDL2 audio).
"""

from __future__ import annotations

import pytest
from conftest import UI, PaperRoll, spy_on_play, walk_in_ticket

from kiosk.core.errors import Reason, SystemFault
from kiosk.core.model import Ticket
from kiosk.i18n import translator

pytestmark = pytest.mark.ui

TIMEOUT = 60.0
LANGUAGE_BUTTONS = {"id": None, "en": "English", "jv": "Basa Jawa"}


class FaultyRoll(PaperRoll):
    """Ready when asked; the ticket then fails with ``fault`` (its number is kept)."""

    def __init__(self, fault: SystemFault) -> None:
        super().__init__()
        self.fault = fault

    def print_ticket(self, ticket: Ticket, language: str | None = None) -> None:
        raise self.fault


OUTCOMES = {
    "held": lambda: FaultyRoll(SystemFault(Reason.PRINTER_HOLDS_TICKET, state="cover_open")),
    "maybe_printed": lambda: FaultyRoll(SystemFault(Reason.PRINTER_MAYBE_PRINTED, state="unknown")),
    "unprinted": lambda: FaultyRoll(SystemFault(Reason.PRINTER_FAULT, state="offline")),
}


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["id", "en", "jv"])
@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_the_done_screen_of_a_ticket_not_in_the_tray_speaks_what_it_shows(ui: UI, outcome: str, language: str) -> None:
    tr = translator(language)
    ui.kiosk.printer = OUTCOMES[outcome]()
    played = spy_on_play(ui)
    if LANGUAGE_BUTTONS[language]:
        ui.tap(LANGUAGE_BUTTONS[language])
    walk_in_ticket(ui, timeout=TIMEOUT)
    title, hint = _plain(ui.find("title").text), _plain(ui.find("hint").text)
    assert ui.find("number").text == "C-001"

    ui.tap(ui.app.root_widget.ids.listen)
    ui.wait_until(lambda: played, TIMEOUT, "the done screen to be spoken")
    spoken_language, said = played[-1][1], _plain(played[-1][2])
    assert spoken_language == language
    # The screen's own words, in its order: what happened, the number (spelled), what to do.
    assert said.startswith(title) and hint in said
    assert said.index(title) < said.index(f"C, {tr('nol')}, {tr('nol')}, {tr('satu')}") < said.index(hint)
    print_again = tr("Cetak lagi")
    if outcome == "held":  # it comes out by itself: no "failed", nothing to print again
        assert tr("Karcis gagal dicetak") not in said and print_again not in said
    elif outcome == "maybe_printed":  # look in the tray first, else print again
        assert tr("Karcis gagal dicetak") not in said and print_again in said
    else:
        assert said.startswith(tr("Karcis gagal dicetak")) and print_again in said
