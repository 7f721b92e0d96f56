"""/book over real HTTP on loopback: booking, the rules' messages, the guards, and no NIK anywhere after entry."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from book_support import (
    SATURDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    BookSite,
    Citizen,
    book_site,
    code_of,
    problem_of,
    root,
    start_site,
    visible_text,
)
from PIL import Image

from kiosk.backends.daybook import DayBook
from kiosk.core.model import BookingStatus
from kiosk.demo import made_up_nik

MONDAY_0800 = root.MONDAY_0800

NIK = "3520011708450001"
NIK_WOMAN = "3520015203900002"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[BookSite]:
    yield from book_site(tmp_path / "server")


@pytest.fixture
def small_site(tmp_path: Path) -> Iterator[BookSite]:
    """10 % of each quota online: AKTA (30 a day) has 3 places, in the first three slots."""
    yield from book_site(tmp_path / "server", {"online_percent = 50": "online_percent = 10"})


def day_book(site: BookSite) -> DayBook:
    return DayBook(site.config.backend.path, site.config)


def test_a_single_post_with_service_date_and_nik_books_and_shows_the_code_qr_and_documents(site: BookSite) -> None:
    citizen = Citizen(site)
    answer = citizen.book("KTP", TUESDAY, NIK, name="Siti Aminah")
    assert answer.status_code == 200, problem_of(answer)
    text = visible_text(answer.text)
    code = code_of(answer)
    assert "Pendaftaran berhasil" in text and "Selasa, 1 Desember 2026" in text and "07:30–08:00 WIB" in text
    assert "3520**********01" in text and "Kartu Keluarga (asli)" in text
    assert 'src="data:image/png;base64,' in answer.text
    book = day_book(site)
    stored = book.find_booking(code)
    book.close()
    assert stored is not None and stored.service_code == "KTP" and stored.status == BookingStatus.BOOKED
    picture = citizen.get(re.search(r'id="save-image" href="([^"]+)"', answer.text).group(1).replace("&amp;", "&"))
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(picture.content)).size[0] == 720


def test_the_nik_is_never_in_a_page_a_url_a_cookie_the_day_book_or_the_log(
    site: BookSite, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    citizen = Citizen(site)
    answers = [citizen.book("KTP", TUESDAY, NIK)]
    code = code_of(answers[0])
    answers.append(citizen.book("KTP", TUESDAY, NIK))  # refused: same NIK, service and day
    answers.append(citizen.get(f"/book/{code}"))
    answers.append(citizen.submit("manage-form", code=code, nik=NIK))
    answers.append(citizen.submit("cancel-form"))
    for answer in answers:
        assert NIK not in answer.text and NIK not in answer.url and NIK not in str(answer.headers)
        assert NIK[4:14] not in answer.text
    assert all(NIK not in c.value for c in citizen.session.cookies)
    data = b"".join(p.read_bytes() for p in Path(site.config.backend.path).parent.glob("daybook.sqlite3*"))
    assert NIK.encode() not in data
    assert NIK not in caplog.text


def test_a_wrong_nik_gets_its_own_plain_message_and_nothing_is_stored(site: BookSite) -> None:
    citizen = Citizen(site)
    cases = {
        "35200117084500": "NIK harus 16 angka",
        "35200117O8450001": "NIK hanya berisi angka",
        "3520019908450001": "NIK tidak sesuai",  # day 99 is no birth date
    }
    for nik, title in cases.items():
        answer = citizen.book("KTP", TUESDAY, nik)
        assert answer.status_code == 422 and title in problem_of(answer), problem_of(answer)
        assert 'name="nik"' in answer.text and nik not in answer.text  # asked again, never shown back
    book = day_book(site)
    assert book.query("SELECT COUNT(*) FROM bookings") == [(0,)]
    book.close()


def test_a_closed_day_a_day_not_open_yet_and_a_second_booking_are_each_explained(site: BookSite) -> None:
    citizen = Citizen(site)
    closed = citizen.book("KTP", SATURDAY, NIK)
    assert closed.status_code == 409 and "Kantor tutup pada hari itu" in problem_of(closed)
    holiday = citizen.book("KTP", "2026-12-25", NIK)
    assert "Kantor tutup pada hari itu" in problem_of(holiday)
    early = citizen.book("KTP", THURSDAY, NIK)
    assert "belum dibuka" in problem_of(early) and "Selasa, 1 Desember 2026" not in problem_of(early)
    assert "pukul 07:00 WIB" in problem_of(early)
    assert citizen.book("KTP", TUESDAY, NIK).status_code == 200
    second = citizen.book("KTP", TUESDAY, NIK)
    assert second.status_code == 409 and "sudah terdaftar untuk layanan itu" in problem_of(second)


def test_a_full_day_names_the_next_days_with_room_and_a_full_slot_says_choose_another(small_site: BookSite) -> None:
    small_site.clock.set(MONDAY_0800)  # Tuesday and Wednesday are both open for booking
    for index in range(3):  # AKTA's three online places on Tuesday
        answer = Citizen(small_site).book("AKTA", TUESDAY, made_up_nik(index + 1))
        assert answer.status_code == 200, problem_of(answer)
    full = Citizen(small_site).book("AKTA", TUESDAY, made_up_nik(9))
    assert full.status_code == 409
    assert "Kuota online hari itu sudah penuh" in problem_of(full)
    assert "Rabu, 2 Desember 2026" in problem_of(full)  # the next day that still has room, as a link
    assert f"date={WEDNESDAY}" in full.text
    taken = Citizen(small_site).book("AKTA", WEDNESDAY, made_up_nik(10), slot="07:30")
    assert taken.status_code == 200
    slot_full = Citizen(small_site).book("AKTA", WEDNESDAY, made_up_nik(11), slot="07:30")
    assert slot_full.status_code == 409 and "Jam itu sudah penuh" in problem_of(slot_full)


def test_a_form_is_good_once_and_only_with_its_own_cookie(site: BookSite) -> None:
    citizen = Citizen(site)
    citizen.get("/book")
    form = citizen.form("booking-form")
    first = citizen.session.post(
        site.base + "/book", data={**form["fields"], "service": "KTP", "date": TUESDAY, "nik": NIK}, timeout=60
    )
    assert first.status_code == 200
    again = citizen.session.post(
        site.base + "/book", data={**form["fields"], "service": "KK", "date": TUESDAY, "nik": NIK}, timeout=60
    )
    assert again.status_code == 400 and "Formulir sudah kedaluwarsa" in problem_of(again)
    stranger = requests.post(
        site.base + "/book", data={**form["fields"], "service": "KK", "date": TUESDAY, "nik": NIK}, timeout=60
    )
    assert stranger.status_code == 400 and "Isi formulir tidak sesuai" in problem_of(stranger)  # no cookie: CSRF


def test_an_expired_form_and_a_tampered_field_are_refused_with_a_fresh_form(site: BookSite) -> None:
    citizen = Citizen(site)
    citizen.get("/book")
    form = citizen.form("booking-form")["fields"]
    nonce, issued, mac = form["form_token"].split(".")
    forged = citizen.session.post(
        site.base + "/book",
        data={
            **form,
            "form_token": f"{nonce}.{int(issued) + 999}.{mac}",
            "service": "KTP",
            "date": TUESDAY,
            "nik": NIK,
        },
        timeout=60,
    )
    assert forged.status_code == 400 and "Isi formulir tidak sesuai" in problem_of(forged)
    citizen.get("/book")
    extra = citizen.submit("booking-form", service="KTP", date=TUESDAY, nik=NIK, nik_hash="0" * 64)
    assert extra.status_code == 400 and "Isi formulir tidak sesuai" in problem_of(extra)
    citizen.get("/book")
    wrong_service = citizen.submit("booking-form", service="XYZ", date=TUESDAY, nik=NIK)
    assert wrong_service.status_code == 422 and "Layanan tidak dikenal" in problem_of(wrong_service)
    wrong_slot = citizen.submit("booking-form", service="KTP", date=TUESDAY, nik=NIK, slot="07:31")
    assert wrong_slot.status_code == 422 and "Jam tidak tersedia" in problem_of(wrong_slot)
    assert 'name="form_token"' in wrong_slot.text  # the page offers a fresh form at once


def test_an_expired_form_after_form_minutes(site: BookSite, monkeypatch: pytest.MonkeyPatch) -> None:
    citizen = Citizen(site)
    citizen.get("/book")
    forms = site.running.app.extensions["antrian_booking_site"].forms
    issued_at = forms.clock()
    monkeypatch.setattr(forms, "clock", lambda: issued_at + site.config.booking_site.form_minutes * 60 + 5)
    late = citizen.submit("booking-form", service="KTP", date=TUESDAY, nik=NIK)
    assert late.status_code == 400 and "Formulir sudah kedaluwarsa" in problem_of(late)


def test_too_many_attempts_from_one_address_or_for_one_nik_are_refused(tmp_path: Path) -> None:
    edits = {
        "attempts_per_address = 30": "attempts_per_address = 5",
        "attempts_per_nik = 10": "attempts_per_nik = 3",
        "trusted_proxies = []": 'trusted_proxies = ["127.0.0.1"]',  # the proxy tells each citizen's address
    }
    site = start_site(tmp_path / "strict", edits)
    try:
        for attempt in range(3):  # one NIK from three addresses: the NIK's limit counts them together
            Citizen(site, f"192.0.2.{attempt + 1}").book("KK", SATURDAY, NIK)
        fourth = Citizen(site, "192.0.2.9").book("KTP", TUESDAY, NIK)
        assert fourth.status_code == 429 and "Terlalu banyak percobaan" in problem_of(fourth)
        busy = Citizen(site, "198.51.100.7")
        answers = [busy.book("KTP", SATURDAY, made_up_nik(i + 1)).status_code for i in range(6)]
        assert answers[:5] == [409] * 5 and answers[5] == 429
        assert Citizen(site, "198.51.100.8").book("KTP", TUESDAY, made_up_nik(50)).status_code == 200
    finally:
        site.stop()


def test_a_wrong_code_and_a_wrong_nik_look_exactly_alike(site: BookSite) -> None:
    code = code_of(Citizen(site).book("KTP", TUESDAY, NIK))
    answers = []
    for tried_code, tried_nik in ((code, NIK_WOMAN), ("BXXXXXXX", NIK), ("B" + code[1:][::-1], NIK_WOMAN)):
        citizen = Citizen(site)
        citizen.get(f"/book/{tried_code}")
        answer = citizen.submit("manage-form", code=tried_code, nik=tried_nik)
        answers.append((answer.status_code, problem_of(answer)))
    assert answers[0] == answers[1] == answers[2]
    assert "Kode booking dan NIK tidak cocok" in answers[0][1]
    pages = [Citizen(site).get(f"/book/{c}") for c in (code, "BXXXXXXX")]
    assert visible_text(pages[0].text).replace(code, "C") == visible_text(pages[1].text).replace("BXXXXXXX", "C")


def test_the_holder_sees_moves_and_cancels_and_a_cancelled_place_is_free_at_once(small_site: BookSite) -> None:
    small_site.clock.set(MONDAY_0800)
    holders = [Citizen(small_site) for _ in range(3)]
    codes = [code_of(c.book("AKTA", TUESDAY, made_up_nik(i + 1))) for i, c in enumerate(holders)]
    assert Citizen(small_site).book("AKTA", TUESDAY, made_up_nik(20)).status_code == 409  # full
    owner = Citizen(small_site)
    owner.get(f"/book/{codes[0]}")
    shown = owner.submit("manage-form", code=codes[0], nik=made_up_nik(1))
    assert shown.status_code == 200 and codes[0] in shown.text and "Aktif" in visible_text(shown.text)
    moved = owner.submit("move-form", when=f"{WEDNESDAY} 08:00")
    assert moved.status_code == 200 and "Jadwal sudah dipindah." in visible_text(moved.text)
    assert "Rabu, 2 Desember 2026" in visible_text(moved.text)
    assert Citizen(small_site).book("AKTA", TUESDAY, made_up_nik(20)).status_code == 200  # its Tuesday place
    cancelled = owner.submit("cancel-form")
    assert cancelled.status_code == 200 and "Pendaftaran sudah dibatalkan" in visible_text(cancelled.text)
    assert Citizen(small_site).book("AKTA", WEDNESDAY, made_up_nik(21), slot="08:00").status_code == 200


def test_every_page_is_english_or_basa_jawa_one_tap_away(site: BookSite) -> None:
    citizen = Citizen(site)
    page = citizen.get("/book")
    assert 'hreflang="en"' in page.text and 'hreflang="jv"' in page.text
    english = citizen.get("/book?lang=en")
    assert "Choose a service" in visible_text(english.text)
    remembered = citizen.get("/book?service=KTP")  # the language stays with the person
    assert "Choose a day" in visible_text(remembered.text)
    javanese = citizen.get("/book?lang=jv")
    answer = citizen.submit("booking-form", service="KTP", date=SATURDAY, nik=NIK)
    assert "Kantor tutup ing dinten punika" in problem_of(answer)
    assert "Pilih pelayanan" in visible_text(javanese.text)


def test_the_pages_carry_a_strict_policy_and_load_only_their_own_assets(site: BookSite) -> None:
    page = Citizen(site).get("/book?service=KTP&date=" + TUESDAY)
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "form-action 'self'" in policy
    assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    references = re.findall(r'(?:src|href)="(/book/assets/[^"]+)"', page.text)
    assert {r.rsplit("/", 1)[-1] for r in references} == {"book.css", "book.js"}
    for reference in references:
        asset = requests.get(site.base + reference, timeout=30)
        assert asset.status_code == 200 and "http://" not in asset.text and "https://" not in asset.text
    assert "<script>" not in page.text and "style=" not in page.text
    assert requests.get(site.base + "/book", timeout=30).status_code == 200
    assert requests.post(site.base + "/v1/walk-ins", json={}, timeout=30).status_code == 401  # the API keeps its tokens


def test_the_booking_site_served_alone_has_no_kiosk_api_and_no_counter_pages(tmp_path: Path) -> None:
    alone = start_site(tmp_path / "alone", only_book=True)
    try:
        assert requests.get(alone.base + "/book", timeout=30).status_code == 200
        for path in ("/v1/health", "/v1/quotas", "/counter", "/display", "/"):
            assert requests.get(alone.base + path, timeout=30).status_code == 404, path
        assert Citizen(alone).book("KTP", TUESDAY, NIK).status_code == 200
    finally:
        alone.stop()


def test_kiosk_serve_only_book_serves_the_booking_site_and_nothing_else(tmp_path: Path) -> None:
    """As the office runs it behind nginx: no tokens file needed, no API, no counter pages."""
    folder = tmp_path / "public"
    folder.mkdir()
    (folder / "site.secret").write_bytes(b"test-secret-of-at-least-16-bytes")
    config_path = root.write_config(folder)
    server = subprocess.Popen(
        [sys.executable, "-c", "from kiosk.cli import run; run()", "serve", "--only", "book"]
        + ["--config", str(config_path), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stderr is not None
        said = ""
        for line in server.stderr:  # until it says where it listens (or ends)
            said += line
            if "listening on" in line:
                break
        found = re.search(r"listening on (http://\S+)/book", said)
        assert found, said
        assert requests.get(found.group(1) + "/book", timeout=30).status_code == 200
        for path in ("/v1/health", "/counter", "/display"):
            assert requests.get(found.group(1) + path, timeout=30).status_code == 404, path
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_site_with_the_booking_website_switched_off_answers_404_on_book(tmp_path: Path) -> None:
    off = start_site(tmp_path / "off", {"enabled = true                  # false: /book": "enabled = false # /book"})
    try:
        assert requests.get(off.base + "/book", timeout=30).status_code == 404
        assert requests.get(off.base + "/v1/health", timeout=30).status_code == 200
    finally:
        off.stop()


def test_a_bug_behind_a_booking_page_shows_a_page_in_words_not_a_traceback(
    site: BookSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = site.running.app.extensions["antrian_booking_site"].desk

    def broken() -> None:
        raise RuntimeError("a bug with " + NIK)

    monkeypatch.setattr(desk, "services", broken)
    answer = requests.get(site.base + "/book", timeout=30)
    assert answer.status_code == 500 and answer.headers["Content-Type"].startswith("text/html")
    assert "Terjadi kesalahan" in visible_text(answer.text)
    assert "RuntimeError" not in answer.text and NIK not in answer.text


def test_a_nik_the_office_sent_to_the_information_desk_is_refused_a_booking_politely(site: BookSite) -> None:
    """One broker list: the office names one of today's tickets (never a NIK), and its holder
    can book no slot either, while everybody else still books."""
    from web_support import SECRET

    from kiosk.core.model import WalkInRequest
    from kiosk.core.nik import NikHasher, mask

    site.clock.set(MONDAY_0800)
    api = site.apis[0]
    hasher = NikHasher(SECRET)
    request = WalkInRequest("KK", hasher.hash(NIK), mask(NIK), None, MONDAY_0800, "walk-in-1")
    ticket = api.book("").issue_walk_in(request)
    before = Citizen(site).book("KTP", TUESDAY, NIK)
    assert before.status_code == 200, problem_of(before)  # not listed yet: books like anyone
    api.office.refer_to_desk("kepala", ticket.number, days=3, why="lima kali mendaftar")

    refused = Citizen(site).book("AKTA", TUESDAY, NIK)
    assert refused.status_code == 409
    said = problem_of(refused)
    assert "Pendaftaran online tidak dapat diterima" in said and "petugas informasi" in said
    assert "calo" not in refused.text.lower() and NIK not in refused.text
    assert Citizen(site).book("AKTA", TUESDAY, NIK_WOMAN).status_code == 200
