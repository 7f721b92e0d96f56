"""The satisfaction rating after service: one tap on the counter's tablet or the phone page, one
rating per done ticket, nothing personal kept, and the index in the daily report."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import requests
from playwright.sync_api import Page
from web_support import Hall, browser, hall, open_page, token_of

from kiosk.core import wire
from kiosk.core.model import Ticket
from kiosk.demo import made_up_nik
from kiosk.ops.report_export import write_report

__all__ = ["browser", "hall", "open_page"]

TABLET = {"width": 1024, "height": 768}
JSON = {"Accept": "application/json"}


def serve(hall: Hall, counter: str, key: str) -> None:
    assert hall.post(counter, "next", f"{key}-next").status_code == 200
    assert hall.post(counter, "done", f"{key}-done").status_code == 200


def report_row(hall: Hall, service: str) -> dict[str, object]:
    day = hall.clock.now().date().isoformat()
    answer = requests.get(
        f"{hall.base}/v1/reports/{day}", headers={"Authorization": f"Bearer {token_of('MPP-1')}"}, timeout=30
    )
    assert answer.status_code == 200
    rows: dict[str, dict[str, object]] = {r["service_code"]: r for r in answer.json()["rows"]}
    return rows[service]


def rate_at(hall: Hall, counter: str, ticket: Ticket, value: int, **headers: str) -> requests.Response:
    return requests.post(
        f"{hall.base}/rate/{counter}",
        data={"ticket_id": ticket.id, "value": str(value)},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )


def test_the_counters_tablet_offers_the_ticket_just_done_and_keeps_one_rating(hall: Hall) -> None:
    waiting = requests.get(f"{hall.base}/rate/1", timeout=30)
    assert waiting.status_code == 200 and 'class="faces"' not in waiting.text
    assert "Setelah selesai dilayani" in waiting.text
    assert "default-src 'self'" in waiting.headers["Content-Security-Policy"]

    ticket = hall.issue("KTP")
    serve(hall, "1", "tablet")
    page = requests.get(f"{hall.base}/rate/1", timeout=30).text
    assert ticket.number in page and 'class="faces"' in page
    assert "How was our service today?" in page and 'lang="jv"' in page  # three languages side by side

    first = rate_at(hall, "1", ticket, 3)
    assert first.status_code == 303 and first.headers["Location"].endswith("/rate/1?said=thanks")
    assert "Terima kasih" in requests.get(f"{hall.base}{first.headers['Location']}", timeout=30).text

    again = rate_at(hall, "1", ticket, 1, **JSON)
    assert again.status_code == 409
    assert "sudah tercatat" in again.json()["text"]  # refused politely; the first rating stands
    after = requests.get(f"{hall.base}/rate/1", timeout=30).text
    assert 'class="faces"' not in after  # the tablet does not offer a rated ticket again

    row = report_row(hall, "KTP")
    assert (row["ratings"], row["satisfaction_index"], row["satisfaction_grade"]) == (1, 75.0, "C")

    following = hall.issue("KTP")
    serve(hall, "1", "tablet-next")
    page = requests.get(f"{hall.base}/rate/1?said=thanks", timeout=30).text  # a no-script tablet reloads here
    assert following.number in page and 'class="faces"' in page
    assert '<section id="thanks" hidden>' in page  # the thanks was for the one before


def test_a_ticket_not_yet_done_or_of_another_day_is_refused(hall: Hall) -> None:
    waiting = hall.issue("KTP")
    answer = requests.post(
        f"{hall.base}/t/{waiting.id}/rating", data={"value": "4"}, headers=JSON, allow_redirects=False, timeout=30
    )
    assert answer.status_code == 409 and "setelah nomor Anda selesai dilayani" in answer.json()["text"]
    assert hall.post("1", "next", "early-next").status_code == 200  # called, at the counter, not done
    assert rate_at(hall, "1", waiting, 4, **JSON).status_code == 409
    assert hall.post("1", "done", "early-done").status_code == 200

    hall.clock.travel(timedelta(days=1))
    late = rate_at(hall, "1", waiting, 4, **JSON)
    assert late.status_code == 409 and "hari lain" in late.json()["text"]
    assert 'class="faces"' not in requests.get(f"{hall.base}/t/{waiting.id}", timeout=30).text  # not offered
    hall.clock.travel(timedelta(days=-1))
    assert report_row(hall, "KTP")["ratings"] == 0

    unknown = requests.post(
        f"{hall.base}/t/00000000-0000-0000-0000-000000000000/rating", data={"value": "4"}, headers=JSON, timeout=30
    )
    assert unknown.status_code == 404
    assert rate_at(hall, "1", waiting, 7, **JSON).status_code == 422  # not a face


def test_a_form_posted_from_another_site_is_refused(hall: Hall) -> None:
    ticket = hall.issue("KTP")
    serve(hall, "1", "cross")
    answer = rate_at(hall, "1", ticket, 1, Origin="http://evil.example")
    assert answer.status_code == 403
    assert report_row(hall, "KTP")["ratings"] == 0


def test_the_phone_page_offers_the_faces_once_served_and_works_without_scripts(hall: Hall) -> None:
    ticket = hall.issue("KTP")
    before = requests.get(f"{hall.base}/t/{ticket.id}", timeout=30).text
    assert 'class="faces"' not in before
    serve(hall, "2", "phone")
    served = requests.get(f"{hall.base}/t/{ticket.id}", timeout=30).text
    assert f'action="/t/{ticket.id}/rating?lang=id"' in served  # the page's language comes back with the answer
    answer = requests.post(f"{hall.base}/t/{ticket.id}/rating", data={"value": "4"}, timeout=30)  # follows the 303
    assert answer.status_code == 200 and answer.url.endswith(f"/t/{ticket.id}?said=thanks")
    assert "Terima kasih atas penilaian" in answer.text and 'class="faces"' not in answer.text
    row = report_row(hall, "KTP")
    assert (row["ratings"], row["satisfaction_index"], row["satisfaction_grade"]) == (1, 100.0, "A")


def test_a_rating_keeps_nothing_personal(hall: Hall) -> None:
    tickets = [hall.issue("KTP") for _ in range(2)]
    serve(hall, "1", "private-1")
    serve(hall, "2", "private-2")
    pages = [requests.get(f"{hall.base}/rate/{c}", timeout=30).text for c in ("1", "2")]
    assert rate_at(hall, "1", tickets[0], 4).status_code == 303
    assert rate_at(hall, "2", tickets[1], 2).status_code == 303
    path: Path = hall.config.backend.path
    with sqlite3.connect(path) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(ratings)")]
        assert columns == ["ticket_id", "day", "service", "value", "rated_at"]
        rows = db.execute("SELECT * FROM ratings").fetchall()
    assert len(rows) == 2
    niks = [made_up_nik(i) for i in range(1, hall.issued + 1)]
    masked = [n[:4] + "*" * 10 + n[-2:] for n in niks]  # the ticket's holder, kept by the day book only
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    for nik in niks:
        assert nik.encode() not in stored  # the day book file (and its -wal) never holds a NIK in clear
    for secret in (*niks, *masked, *(t.number for t in tickets)):
        assert all(secret not in str(value) for row in rows for value in row)
    assert all(n not in page for n in (*niks, *masked) for page in pages)


def test_a_tap_on_the_tablet_after_a_done_ticket_shows_in_the_report(
    hall: Hall, open_page: Callable[..., Page], tmp_path: Path
) -> None:
    page = open_page(f"{hall.base}/rate/1?refresh=300", **TABLET)
    page.wait_for_selector("#waiting")
    ticket = hall.issue("KTP")
    serve(hall, "1", "browser")
    page.wait_for_selector(".face-4")  # the tablet brings the ticket just done up by itself
    assert ticket.number in page.inner_text("#ask")
    page.click(".face-4")
    page.wait_for_selector("#thanks:not([hidden])")
    assert page.errors == []  # type: ignore[attr-defined]

    row = report_row(hall, "KTP")
    assert (row["ratings"], row["satisfaction_index"], row["satisfaction_grade"]) == (1, 100.0, "A")
    day = hall.clock.now().date().isoformat()
    answer = requests.get(
        f"{hall.base}/v1/reports/{day}", headers={"Authorization": f"Bearer {token_of('MPP-1')}"}, timeout=30
    )
    csv_path, _png = write_report(wire.report_from_dict(answer.json()), tmp_path)
    with csv_path.open(encoding="utf-8") as handle:
        ktp = next(r for r in csv.DictReader(handle) if r["kode_layanan"] == "KTP")
    assert (ktp["ikm"], ktp["mutu_ikm"], ktp["jumlah_penilaian"]) == ("100.00", "A", "1")


def test_the_phone_page_brings_up_the_faces_when_the_ticket_is_served(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    ticket = hall.issue("KTP")
    page = open_page(f"{hall.base}/t/{ticket.id}?refresh=300", width=390, height=844)
    assert page.query_selector(".faces") is None
    serve(hall, "2", "phone-browser")
    page.wait_for_selector(".face-3")  # the page sees "served" and draws the faces by itself
    page.click(".face-3")
    page.wait_for_selector("#rating .thanks")
    assert page.query_selector(".faces") is None
    assert page.errors == []  # type: ignore[attr-defined]
    assert report_row(hall, "KTP")["ratings"] == 1


def test_two_taps_at_once_on_the_same_ticket_keep_one_rating(hall: Hall) -> None:
    ticket = hall.issue("KTP")
    serve(hall, "1", "twice")
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda value: rate_at(hall, "1", ticket, value, **JSON), (1, 4)))
    assert sorted(a.status_code for a in answers) == [200, 409]
    kept = next(a for a in answers if a.status_code == 200)
    assert report_row(hall, "KTP")["ratings"] == 1 and kept.json()["ok"] is True


def test_an_unknown_counter_gets_a_page_that_says_so(hall: Hall) -> None:
    answer = requests.get(f"{hall.base}/rate/99", timeout=30)
    assert answer.status_code == 404 and "Loket tidak dikenal" in answer.text


def test_a_tap_the_server_never_got_says_so_in_indonesian_english_and_basa_jawa(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    """The tablet is for whoever stands at the counter: every sentence in the three languages at once,
    the one its script writes when a tap was lost included, and the face can be touched again."""
    ticket = hall.issue("KTP")
    serve(hall, "1", "lost-tap")
    page = open_page(f"{hall.base}/rate/1?refresh=3600000", **TABLET)
    page.wait_for_selector(".face-4")
    ask = page.inner_text("#ask")
    assert ticket.number in ask and "How was our service today?" in ask and "Kados pundi pelayanan" in ask
    assert page.title().startswith("Penilaian pelayanan · Service rating · Pambiji pelayanan")

    page.route(
        "**/rate/1",
        lambda route: route.abort("connectionreset") if route.request.method == "POST" else route.continue_(),
    )
    page.click(".face-4")
    page.wait_for_function("document.getElementById('status').textContent !== ''")
    assert page.inner_text("#status") == (
        "Belum terkirim. Sentuh wajahnya lagi. · Not sent yet. Touch the face again. · "
        "Dereng kakintun. Mangga sentuh malih pasuryanipun."
    )
    page.unroute("**/rate/1")
    page.click(".face-4")  # touched again: this time it counts
    page.wait_for_selector("#thanks:not([hidden])")
    assert report_row(hall, "KTP")["ratings"] == 1
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_phone_page_asks_and_thanks_in_the_language_the_citizen_picked(hall: Hall) -> None:
    """The phone is one person's: the faces, the thanks and a refusal come in the language chosen on
    the page (no Indonesian beside it), and the choice survives the form's round trip."""
    ticket = hall.issue("KTP")
    serve(hall, "2", "phone-en")
    served = requests.get(f"{hall.base}/t/{ticket.id}?lang=en", timeout=30).text
    assert "How was our service today?" in served and "Very satisfied" in served
    assert "Bagaimana pelayanan" not in served and "Sangat puas" not in served and "Marem sanget" not in served

    thanked = requests.post(f"{hall.base}/t/{ticket.id}/rating?lang=en", data={"value": "4"}, timeout=30)
    assert thanked.url.endswith(f"/t/{ticket.id}?lang=en&said=thanks")
    assert "Thank you for your rating." in thanked.text and "Terima kasih" not in thanked.text
    assert '<html lang="en">' in thanked.text

    again = requests.post(f"{hall.base}/t/{ticket.id}/rating?lang=jv", data={"value": "1"}, timeout=30)
    assert again.url.endswith(f"/t/{ticket.id}?lang=jv&said=rating_already_given")
    assert "Pambiji kangge nomer menika sampun kacathet." in again.text
    assert "Penilaian untuk nomor ini" not in again.text and "The rating for this number" not in again.text
    assert report_row(hall, "KTP")["ratings"] == 1
