"""A contradiction found in a registry: a stable kind and the rows involved (ids only, no names)."""

from __future__ import annotations

from dataclasses import dataclass

#: Every kind the checker reports, with what it means. Kinds are stable: tests and logs use them.
KINDS: dict[str, str] = {
    "place.unknown": "a place in no municipality we know (invented, or misspelt)",
    "place.not-yet": "a municipality named on a day it did not carry that name (西東京市 before 2001-01-21 …)",
    "place.unknown-town": "a town that is not a real town of that municipality (at that time)",
    "place.no-chome": "a 丁目 the town does not have",
    "place.wrong-city": "an address or 本籍 kept by a city that is not the city of the address",
    "name.era": "a given name that does not fit the person's birth year",
    "date.future": "a date after the day the registry is judged on",
    "koseki.hittosha": "not exactly one 筆頭者, first, named as the register names it",
    "koseki.surname": "a member whose surname is not the 筆頭者's",
    "koseki.zokugara": "a 続柄 a family register would not write (「子」), of the wrong sex, or out of birth order",
    "koseki.parents-missing": "no 母, or no 父 for a 筆頭者 or a spouse",
    "koseki.no-birth": "a member without a 出生 entry on the birth date",
    "koseki.birth-before-register": "entered the register by birth but born before it was made",
    "koseki.event-before-birth": "a 身分事項 dated before the person was born",
    "koseki.event-after-death": "a 身分事項 dated after the person died",
    "koseki.parent-age": "a child born when a parent was under 15, or the mother over 50",
    "koseki.marriage-age": "married under 18 (under 16 for a woman before 2022-04-01)",
    "koseki.spouse": "a 配偶者区分 that disagrees with the marriage and divorce entries",
    "koseki.marriage-pair": "the two spouses' 婚姻 entries disagree (day, or who married whom)",
    "koseki.removal": "除籍 without the entry that caused it, or a death without 除籍",
    "koseki.hensei": "the 編製日 is not the day of the event that made the register",
    "koseki.previous-register": "a 従前戸籍 or 新本籍 that the register it names does not bear out",
    "koseki.same-name": "two members of one register with the same given name at the same time",
    "koseki.transcription": "one person recorded differently in the register they left and the one they entered",
    "fuhyo.missing": "a member of the computerized register without any 附票 line",
    "fuhyo.gap": "the 附票 starts after the member entered the register (or after its 改製)",
    "fuhyo.overlap": "two 附票 lines of a member on the same day, or out of order",
    "fuhyo.before-birth": "a 附票 line dated before the member was born",
    "fuhyo.after-removal": "a 附票 line dated after the member left the register or died",
    "fuhyo.resident": "the 附票's current line disagrees with the 住民票 (address, 住所を定めた年月日)",
    "fuhyo.moves": "moves on the 住民票 (転入, 転入前住所, moves within the city) missing from the 附票",
    "resident.dates": "住民票 dates out of order (born, became a resident, 住所を定めた日, left or died),"
    " or a 届出日 missing or not within 14 days of becoming a resident",
    "resident.prior-address": "a 転入 without 転入前住所, or a birth with one; a move within the city"
    " without 異動前住所, or an 異動前住所 without a move",
    "resident.register": "a resident the register their 本籍 names does not list as they are",
    "resident.member-mismatch": "a register member linked to a resident with another name, birth date or sex",
    "resident.household": "a household 続柄 that ages or sexes contradict (a parent younger than the head …)",
    "resident.foreign": "在留 items that disagree: a period for a permanent status (or none for another), an"
    " expiry beyond one period, a child with a work or study status",
    "resident.siblings": "two children of a household born less than nine months apart (and not on one day)",
    "resident.juminhyo-code": "a 住民票コード that is not eleven digits ending in its 検査数字",
    "resident.juminhyo-code-duplicate": "one 住民票コード on two people (not one person who moved between"
    " the checked cities)",
    "resident.status": "moved out or deceased without a date, or with a live card or seal",
    "inkan.name": "a live seal whose impression shows none of the names the 住民票 records",
    "inkan.dates": "a seal registered under 15, before living here, after leaving, or two live at once",
    "tax.not-resident": "a tax record for a year whose 1 January the person did not live in the city",
    "tax.jan1-address": "a tax record's 1 January address that is not where the person lived then",
    "tax.salary-income": "a 給与所得 that is not what 所得税法 別表第五 gives for its 収入金額",
    "tax.per-capita": "a 均等割 or 森林環境税 not that of its 年度 (森林環境税 only from 令和6年度),"
    " or one levied on a 非課税 record",
    "tax.dependants": "扶養 counts by kind (配偶者, 一般, 特定, 老人, 16歳未満) that do not add up",
}


@dataclass(frozen=True, order=True)
class Finding:
    """One contradiction: ``kind`` (a key of KINDS), the city whose database holds the rows, and
    the rows as ``table:id`` strings."""

    kind: str
    city: str
    rows: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")

    def line(self) -> str:
        """One line for a terminal or a log: kind, city, rows."""
        return f"{self.kind}\t{self.city}\t{' '.join(self.rows)}"


def row(table: str, row_id: int) -> str:
    """``table:id``."""
    return f"{table}:{row_id}"
