"""The satisfaction index on the regulation's scale (Permenpan-RB 14/2017): average x 25, graded A-D."""

from __future__ import annotations

import pytest

from kiosk.core.errors import BadInput, Reason
from kiosk.core.satisfaction import check_value, grade, service_index


def test_the_index_is_the_average_of_the_faces_times_25_with_the_number_of_ratings() -> None:
    index = service_index([4, 4, 3, 2])
    assert (index.ratings, index.index, index.grade) == (4, 81.25, "B")
    assert service_index([4]).index == 100.0 and service_index([1]).index == 25.0


def test_no_rating_gives_no_index_rather_than_a_zero() -> None:
    empty = service_index([])
    assert (empty.ratings, empty.index, empty.grade) == (0, None, None)


@pytest.mark.parametrize(
    ("index", "letter"),
    [
        (100.0, "A"),
        (88.31, "A"),
        (88.30, "B"),
        (76.61, "B"),
        (76.60, "C"),
        (65.00, "C"),
        (64.99, "D"),
        (25.0, "D"),
    ],
)
def test_the_grade_follows_the_regulations_intervals_at_their_edges(index: float, letter: str) -> None:
    assert grade(index) == letter


def test_only_the_four_faces_are_a_rating() -> None:
    for value in (1, 2, 3, 4):
        assert check_value(value) == value
    for wrong in (0, 5, -1, True):
        with pytest.raises(BadInput) as refused:
            check_value(wrong)
        assert refused.value.reason == Reason.RATING_INVALID
