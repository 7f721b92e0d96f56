"""The satisfaction index (Indeks Kepuasan Masyarakat) of the Survei Kepuasan Masyarakat.

Permenpan-RB 14/2017 (Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara
Pelayanan Publik) scores every answer 1 to 4 and converts the average to a 25-100 index
(IKM = average x 25). Here the citizen answers one question with one tap on four faces after
the ticket is done, so the index of a service is the average of its ratings x 25. Pure rules;
the ratings are stored by ``kiosk.backends.ratings``.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.core.errors import BadInput, Reason
from kiosk.core.record import record

LOWEST, HIGHEST = 1, 4
CONVERSION = 25  # the regulation's "nilai dasar": index = average of the 1-4 values x 25

# Permenpan-RB 14/2017, Lampiran, table "Nilai Persepsi, Interval (NI), Interval Konversi (NIK),
# Mutu Pelayanan (x) dan Kinerja Unit Pelayanan (y)": 88,31-100,00 A (Sangat Baik);
# 76,61-88,30 B (Baik); 65,00-76,60 C (Kurang Baik); 25,00-64,99 D (Tidak Baik). The index is
# read to two decimals, so the bands meet without gaps. (Checked against an office's published
# copy of the table, BPPP Tegal's "Buku Kinerja BLU 2024", p. 44, which quotes the regulation.)
GRADES = ((88.31, "A"), (76.61, "B"), (65.00, "C"), (25.00, "D"))
GRADE_WORDS = {"A": "Sangat Baik", "B": "Baik", "C": "Kurang Baik", "D": "Tidak Baik"}  # the regulation's words


@record
class ServiceIndex:
    """A service's index of one day: how many ratings, the 25-100 index and its grade."""

    ratings: int
    index: float | None  # None with no rating
    grade: str | None


def check_value(value: int) -> int:
    """A rating is one of the four faces, 1 (worst) to 4 (best)."""
    if isinstance(value, bool) or not isinstance(value, int) or not LOWEST <= value <= HIGHEST:
        raise BadInput(Reason.RATING_INVALID)
    return value


def grade(index: float) -> str:
    """The regulation's quality grade (mutu pelayanan) of a 25-100 index."""
    rounded = round(index, 2)
    for lowest, letter in GRADES:
        if rounded >= lowest:
            return letter
    return "D"


def service_index(values: Iterable[int]) -> ServiceIndex:
    """The index of a service from its ratings: average x 25, to two decimals, with its grade."""
    given = list(values)
    if not given:
        return ServiceIndex(0, None, None)
    index = round(sum(given) / len(given) * CONVERSION, 2)
    return ServiceIndex(len(given), index, grade(index))
