"""NIK parsing and masking: properties over thousands of generated NIKs (hypothesis)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kiosk.core import nik
from kiosk.core.errors import BadInput, Reason

# Real region codes (province + regency + district): Magetan, Surabaya, Jakarta Pusat, Medan.
REGIONS = ("352001", "357801", "317101", "127101")


@st.composite
def valid_niks(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31)))
    female = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=9999))
    region = draw(st.sampled_from(REGIONS))
    day = born.day + (40 if female else 0)
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


TODAY = date(2026, 11, 30)

# No per-example deadline: the machine is shared, and a slow example is not a wrong one.
relaxed = settings(deadline=None, max_examples=200)


@relaxed
@given(valid_niks())
def test_any_valid_nik_is_accepted_and_returned_as_its_16_digits(number: str) -> None:
    assert nik.validate(number) == number
    assert nik.is_valid(number)


@relaxed
@given(valid_niks(), st.lists(st.sampled_from([" ", "-", "."]), min_size=1, max_size=6), st.data())
def test_spaces_dashes_and_dots_typed_in_a_nik_are_ignored(
    number: str, separators: list[str], data: st.DataObject
) -> None:
    text = list(number)
    for sep in separators:
        text.insert(data.draw(st.integers(min_value=0, max_value=len(text))), sep)
    assert nik.validate("".join(text)) == number


@relaxed
@given(valid_niks())
def test_the_mask_shows_at_most_the_first_four_and_last_two_digits(number: str) -> None:
    masked = nik.mask(number)
    assert len(masked) == 16
    assert masked[:4] == number[:4] and masked[-2:] == number[-2:]
    assert set(masked[4:-2]) == {"*"}
    assert sum(ch.isdigit() for ch in masked) == 6


@relaxed
@given(st.text(min_size=0, max_size=30))
def test_no_input_whatsoever_makes_the_mask_show_more_than_six_digits(text: str) -> None:
    masked = nik.mask(text)
    digits_shown = [ch for ch in masked if ch != "*"]
    assert len(digits_shown) <= 6


@relaxed
@given(valid_niks(), st.integers(min_value=0, max_value=15), st.sampled_from("ABCxyzOI/#"))
def test_a_nik_with_a_letter_is_refused_as_not_digits(number: str, where: int, letter: str) -> None:
    with pytest.raises(BadInput) as caught:
        nik.validate(number[:where] + letter + number[where + 1 :])
    assert caught.value.reason == Reason.NIK_NOT_DIGITS


@relaxed
@given(st.text(alphabet="0123456789", min_size=1, max_size=40).filter(lambda t: len(t) != 16))
def test_a_nik_of_the_wrong_length_is_refused_and_the_message_knows_the_length(digits: str) -> None:
    with pytest.raises(BadInput) as caught:
        nik.validate(digits)
    assert caught.value.reason == Reason.NIK_LENGTH
    assert caught.value.params["length"] == len(digits)


@pytest.mark.parametrize("blank", ["", "   ", " - . "])
def test_an_empty_nik_is_refused_as_empty(blank: str) -> None:
    with pytest.raises(BadInput) as caught:
        nik.validate(blank)
    assert caught.value.reason == Reason.NIK_EMPTY


@relaxed
@given(
    st.sampled_from(REGIONS),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=99),
)
def test_a_nik_whose_birth_date_cannot_exist_is_refused_as_a_wrong_birth_date(
    region: str, day: int, month: int, yy: int
) -> None:
    real_day = day - 40 if day > 40 else day

    def exists(century: int) -> bool:
        try:
            date(century + yy, month, real_day)
        except ValueError:
            return False
        return True

    assume(not (1 <= day <= 31 or 41 <= day <= 71) or not (exists(1900) or exists(2000)))
    with pytest.raises(BadInput) as caught:
        nik.validate(f"{region}{day:02d}{month:02d}{yy:02d}0001")
    assert caught.value.reason == Reason.NIK_BIRTH_DATE


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "81", "99"])
def test_days_that_no_nik_carries_are_refused_even_when_modulo_40_looks_valid(day: str) -> None:
    with pytest.raises(BadInput) as caught:
        nik.validate(f"352001{day}0190" + "0001")
    assert caught.value.reason == Reason.NIK_BIRTH_DATE


# stdnum knows provinces, not every regency: a regency table that lags behind a new regency
# must not turn a citizen away, so only an unknown province is refused.
@pytest.mark.parametrize("region", ["9971", "0001", "1001", "2001", "4001", "8001"])
def test_a_nik_with_an_unknown_province_is_refused_as_unknown_region(region: str) -> None:
    with pytest.raises(BadInput) as caught:
        nik.validate(f"{region}011708900001")
    assert caught.value.reason == Reason.NIK_REGION


@relaxed
@given(valid_niks())
def test_serial_0000_is_never_a_valid_nik(number: str) -> None:
    with pytest.raises(BadInput) as caught:
        nik.validate(number[:12] + "0000")
    assert caught.value.reason == Reason.NIK_SERIAL


def test_a_nik_first_issued_outside_magetan_is_accepted() -> None:
    assert nik.validate("3171011708850003") == "3171011708850003"
    assert nik.validate("1271011708850003") == "1271011708850003"


@relaxed
@given(valid_niks())
def test_a_womans_day_carries_40_more_and_the_birth_date_is_the_real_day(number: str) -> None:
    day_field = int(number[6:8])
    born = nik.birth_date(number, TODAY)
    assert nik.is_female(number) == (day_field > 40)
    assert born.day == (day_field - 40 if day_field > 40 else day_field)
    assert born.month == int(number[8:10])


@relaxed
@given(valid_niks(), st.dates(min_value=date(2026, 1, 1), max_value=date(2099, 12, 31)))
def test_nobody_is_born_in_the_future_and_the_latest_possible_century_wins(number: str, today: date) -> None:
    born = nik.birth_date(number, today)
    assert born <= today
    assert born.year % 100 == int(number[10:12])
    try:
        later = born.replace(year=born.year + 100)
    except ValueError:
        return
    assert later > today


def test_a_child_born_in_2015_is_ten_not_a_centenarian() -> None:
    assert nik.age("3520010507150004", TODAY) == 11
    assert not nik.suggests_elderly("3520010507150004", TODAY)


@pytest.mark.parametrize(
    ("birthday", "elderly"),
    [("301166", True), ("011266", False), ("291166", True), ("010166", True), ("301167", False)],
)
def test_elderly_priority_is_suggested_from_the_sixtieth_birthday_on(birthday: str, elderly: bool) -> None:
    assert nik.suggests_elderly(f"352001{birthday}0001", TODAY) is elderly


@relaxed
@given(valid_niks())
def test_the_keyed_hash_depends_on_the_site_secret_and_never_contains_the_nik(number: str) -> None:
    one = nik.NikHasher(b"one-site-secret-of-32-bytes-long")
    other = nik.NikHasher(b"another-site-secret-32-bytes-lng")
    assert one.hash(number) == one.hash(" ".join(number))
    assert one.hash(number) != other.hash(number)
    assert number not in one.hash(number)


@relaxed
@given(st.one_of(st.text(alphabet="0123456789", min_size=16, max_size=16), valid_niks()))
def test_validation_agrees_with_stdnum_apart_from_the_two_rules_stdnum_lacks(number: str) -> None:
    from stdnum.id import nik as stdnum_nik

    day = int(number[6:8])
    expected = stdnum_nik.is_valid(number) and (1 <= day <= 31 or 41 <= day <= 71) and number[12:] != "0000"
    assert nik.is_valid(number) == expected
