"""Fixed synthetic households for the document tests. Every name and address is invented."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kofu.documents import JuminhyoData, JuminhyoPerson

CITY = "西東京市"
MAYOR = "架空 一郎"
ADDRESS = "東京都西東京市ひばり野三丁目4番5号"
HONSEKI = "架空県試験郡本籍村大字本籍1234番地"
PRIOR = "東京都小金井市試験町一丁目2番3号"
BEFORE_MOVE = "東京都西東京市谷戸町二丁目3番4号"

SETAINUSHI = JuminhyoPerson(
    name="田無 太郎",
    kana="たなし たろう",
    birth_date=date(1980, 4, 1),
    sex="男",
    zokugara="世帯主",
    became_resident_date=date(2015, 4, 5),
    became_resident_reason="転入",
    address_defined_date=date(2020, 3, 28),
    prior_address=PRIOR,
    honseki=HONSEKI,
    hittosha="田無 太郎",
    notified_date=date(2015, 4, 10),
    previous_address=BEFORE_MOVE,
)
HANAKO = replace(
    SETAINUSHI, name="田無 花子", kana="たなし はなこ", birth_date=date(1982, 9, 15), sex="女", zokugara="妻"
)
ICHIRO = replace(
    SETAINUSHI, name="田無 一郎", kana="たなし いちろう", birth_date=date(2010, 1, 20), zokugara="子"
)
SAKURA = replace(
    SETAINUSHI,
    name="田無 さくら",
    kana="たなし さくら",
    birth_date=date(2021, 6, 3),
    sex="女",
    zokugara="子",
    became_resident_date=date(2021, 6, 3),
    became_resident_reason="出生",
    address_defined_date=None,
    prior_address=None,
    notified_date=date(2021, 6, 10),
    previous_address=None,
)
FAMILY = (SETAINUSHI, HANAKO, ICHIRO, SAKURA)


def household(
    members: tuple[JuminhyoPerson, ...] = FAMILY,
    *,
    whole_household: bool = True,
    zokugara: bool = True,
    honseki: bool = True,
    issue_number: str = "00012345",
) -> JuminhyoData:
    """Return a 住民票 order for ``members`` with the given kiosk options."""
    return JuminhyoData(
        city_name=CITY,
        mayor_name=MAYOR,
        issue_number=issue_number,
        issue_date=date(2026, 11, 29),
        address=ADDRESS,
        setainushi=members[0].name,
        members=members,
        whole_household=whole_household,
        include_setainushi_zokugara=zokugara,
        include_honseki=honseki,
    )


GIVEN = "葵茜晶梓渚楓薫翼遥蓮湊颯樹陸岳澪雫凛紬縁"


def large_household(count: int) -> JuminhyoData:
    """Return a household of ``count`` members with distinct invented names."""
    members = tuple(
        replace(
            SETAINUSHI,
            name=f"田無 {GIVEN[i]}介",
            kana=f"たなし {i}",
            zokugara="世帯主" if i == 0 else "同居人",
        )
        for i in range(count)
    )
    return household(members)
