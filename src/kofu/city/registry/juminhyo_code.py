"""住民票コード: the 11-digit number every resident's 住民票 carries (住民基本台帳法 第7条第13号).

It is ten digits and one 検査数字 (住民基本台帳法施行規則 第1条). The 算式 of the 検査数字 is set
by the minister (平成14年総務省告示第436号); its text is not at hand here, so ``check_digit``
uses modulus 11 with weights 2..7 repeated from the rightmost digit, a remainder of 0 or 1
giving 0 — the same shape of 算式 the 個人番号 uses (番号法施行規則 第5条). Change the rule in
that one function if the 告示 says otherwise; everything else asks ``is_juminhyo_code``.

The code never leaves the city: it is not sent to the centre, the kiosk, spans or logs, and it
is printed on no document we issue (a kiosk never prints it).

Real codes are ten random digits handed out by J-LIS. Ours are synthetic: ``synthetic_juminhyo_code``
scrambles (city code, resident id) through a permutation of the ten-digit numbers, so two
residents of one city never share a code and consecutive ids do not give consecutive codes.
"""

from __future__ import annotations

import hashlib

#: Digits of a 住民票コード, 検査数字 included.
LENGTH = 11

_BODY = 10**10
#: Odd and not a multiple of 5: multiplying by it permutes the ten-digit numbers.
_SCRAMBLE = 7_295_316_843


def check_digit(body: str) -> str:
    """The 検査数字 of the ten digits before it (modulus 11, weights 2..7 from the right)."""
    if len(body) != LENGTH - 1 or not _ascii_digits(body):
        raise ValueError("a 住民票コード has ten digits before its 検査数字")
    total = sum(int(digit) * (2 + n % 6) for n, digit in enumerate(reversed(body)))
    remainder = total % 11
    return "0" if remainder <= 1 else str(11 - remainder)


def is_juminhyo_code(code: str) -> bool:
    """True for eleven ASCII digits whose last is the 検査数字 of the ten before it."""
    return len(code) == LENGTH and _ascii_digits(code) and check_digit(code[:-1]) == code[-1]


def synthetic_juminhyo_code(city_code: str, resident_id: int) -> str:
    """A valid code for a demo resident, the same for the same city and resident id, distinct for
    distinct ids of one city (ids below 10**10)."""
    offset = int.from_bytes(hashlib.sha256(f"住民票コード:{city_code}".encode()).digest()[:8], "big")
    body = f"{(resident_id * _SCRAMBLE + offset) % _BODY:010d}"
    return body + check_digit(body)


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()
