from datetime import date, datetime, timedelta

import pytest

from kofu.documents import era_year, to_wareki
from kofu.documents.wareki import format_era_year

FIRST_DAYS = [
    (date(1868, 1, 25), "明治"),
    (date(1912, 7, 30), "大正"),
    (date(1926, 12, 25), "昭和"),
    (date(1989, 1, 8), "平成"),
    (date(2019, 5, 1), "令和"),
]


@pytest.mark.parametrize(("first", "era"), FIRST_DAYS)
def test_first_day_of_each_era_is_gannen(first: date, era: str) -> None:
    assert era_year(first) == (era, 1)
    assert to_wareki(first) == f"{era}元年{first.month}月{first.day}日"


@pytest.mark.parametrize(
    ("day_before", "expected"),
    [
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(2019, 4, 30), "平成31年4月30日"),
    ],
)
def test_day_before_each_era_is_last_year_of_previous(day_before: date, expected: str) -> None:
    assert to_wareki(day_before) == expected
    assert "元年" in to_wareki(day_before + timedelta(days=1))


def test_before_meiji_raises() -> None:
    with pytest.raises(ValueError, match="Meiji"):
        to_wareki(date(1868, 1, 24))
    with pytest.raises(ValueError):
        era_year(date(1600, 1, 1))


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 29), "令和8年11月29日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1990, 1, 1), "平成2年1月1日"),
        (date(2019, 12, 31), "令和元年12月31日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1980, 4, 1), "昭和55年4月1日"),
        (date(1926, 12, 31), "昭和元年12月31日"),
        (date(1927, 1, 1), "昭和2年1月1日"),
    ],
)
def test_to_wareki(d: date, expected: str) -> None:
    assert to_wareki(d) == expected


def test_datetime_is_accepted_and_format_era_year() -> None:
    assert to_wareki(datetime(2026, 11, 29, 23, 59)) == "令和8年11月29日"
    assert format_era_year(date(2019, 5, 1)) == "令和元年"
    assert format_era_year(date(2026, 1, 1)) == "令和8年"
