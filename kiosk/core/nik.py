"""NIK (Nomor Induk Kependudukan): validation, masking, birth date and keyed hashing.

Structure is checked with python-stdnum (``stdnum.id.nik``) rather than by hand: it knows the
region table and the +40 day offset for women. The region is where the NIK was first issued,
so a NIK from outside Magetan (3520) is as valid as one from inside.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from functools import cache

from kiosk.core.errors import BadInput, Reason
from kiosk.core.record import record

# python-stdnum is imported where it is asked (about 4 ms with its pydoc import): the kiosk's
# first frame needs no NIK, and its status thread loads it before the first person types one.

NIK_LENGTH = 16
_SEPARATORS = " -."


def clean(raw: str) -> str:
    """Strip the separators people and scanners put in a NIK (spaces, dashes, dots)."""
    from stdnum.id import nik as stdnum_nik

    return stdnum_nik.compact(raw)


def validate(raw: str) -> str:
    """Return the 16-digit NIK, or raise ``BadInput`` with the precise reason."""
    number = clean(raw or "")
    if not number:
        raise BadInput(Reason.NIK_EMPTY)
    if not number.isdigit() or not number.isascii():
        raise BadInput(Reason.NIK_NOT_DIGITS)
    if len(number) != NIK_LENGTH:
        raise BadInput(Reason.NIK_LENGTH, length=len(number))
    # stdnum takes the day modulo 40, so it would read day 81 as the 1st: only 01-31 (men)
    # and 41-71 (women) are days a NIK can carry.
    day = int(number[6:8])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise BadInput(Reason.NIK_BIRTH_DATE)
    from stdnum.exceptions import InvalidComponent
    from stdnum.id import nik as stdnum_nik

    try:
        stdnum_nik.get_birth_date(number)
    except InvalidComponent:
        raise BadInput(Reason.NIK_BIRTH_DATE) from None
    if not _region_known(number[:4]):
        raise BadInput(Reason.NIK_REGION)
    if number[12:] == "0000":
        raise BadInput(Reason.NIK_SERIAL)
    return number


@cache
def _region_known(prefix: str) -> bool:
    """Whether stdnum knows the region a NIK starts with (it looks at the first four digits).

    Asking stdnum costs ~50 µs (its region table lookup), most of a lookup by NIK; the answer
    depends on these four digits only, so it is asked once per region with a fixed valid date.
    """
    from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength
    from stdnum.id import nik as stdnum_nik

    try:
        stdnum_nik.validate(f"{prefix}01010190" + "0001")
    except (InvalidComponent, InvalidFormat, InvalidLength):
        return False
    return True


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except BadInput:
        return False
    return True


def mask(number: str) -> str:
    """Show at most the first 4 and last 2 digits: ``3520**********01``. Only digits count, so a
    log line or a note can be masked without loading the NIK library (``kiosk.core.privacy``)."""
    digits = "".join(c for c in number if c.isdigit())
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]


def birth_date(number: str, today: date) -> date:
    """The birth date, with the century chosen so that nobody is born in the future.

    stdnum always tries 19xx first, which makes a child born in 2015 a centenarian; a NIK
    only carries two year digits, so the latest century that is not after ``today`` wins.
    """
    digits = validate(number)
    day = int(digits[6:8]) % 40
    month = int(digits[8:10])
    yy = int(digits[10:12])
    for century in (2000, 1900):
        try:
            born = date(century + yy, month, day)
        except ValueError:
            continue
        if born <= today:
            return born
    raise BadInput(Reason.NIK_BIRTH_DATE)


def is_female(number: str) -> bool:
    return int(validate(number)[6:8]) > 40


def age(number: str, today: date) -> int:
    born = birth_date(number, today)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


ELDERLY_AGE = 60


def suggests_elderly(number: str, today: date) -> bool:
    """Whether the NIK's birth date makes its holder 60 or older today."""
    return age(number, today) >= ELDERLY_AGE


@record
class NikHasher:
    """Keyed hash (HMAC-SHA256 with the per-site secret): what is stored instead of a NIK."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ValueError("the site secret must be at least 16 bytes")

    def hash(self, number: str) -> str:
        digits = validate(number)
        return hmac.new(self.secret, digits.encode("ascii"), hashlib.sha256).hexdigest()
