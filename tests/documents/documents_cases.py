"""One sample input per document type and option combination: the golden cases.

Every person, place and number here is invented. ``CASES`` maps a case name to
``(document type, data)``; the golden test renders each, compares its text with
``golden/<case>.txt`` and writes the PDF and PNG renders to test-artifacts/documents/.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from documents_samples import CITY, FAMILY, HANAKO, ICHIRO, MAYOR, SETAINUSHI, household

from kofu.documents import (
    Deduction,
    Dependants,
    DocumentData,
    ForeignResidentItems,
    FuhyoAddress,
    FuhyoData,
    FuhyoPerson,
    IncomeItem,
    InkanData,
    JuminhyoPerson,
    KazeiData,
    KosekiData,
    KosekiPerson,
    MibunEvent,
    SealImpression,
)

ISSUED = date(2026, 11, 29)
KOSEKI_HONSEKI = "東京都西東京市架空町二丁目15番地"
HITTOSHA = "架空 義男"

# --- 住民票: a foreign resident and a name with rare characters -------------------------

MARINA = JuminhyoPerson(
    name="ALVES FICTA MARINA",
    kana="アウヴェス フィクタ マリナ",
    birth_date=date(1991, 8, 12),
    sex="女",
    zokugara="世帯主",
    became_resident_date=date(2023, 4, 8),
    became_resident_reason="転入",
    address_defined_date=None,
    prior_address="神奈川県架空市見本町五丁目6番7号",
    notified_date=date(2023, 4, 10),
    katakana_name="アウヴェス フィクタ マリナ",
    tsusho="架空 まりな",
    tsusho_kana="かくう まりな",
    foreign=ForeignResidentItems(
        nationality="ブラジル",
        category="中長期在留者",
        residence_status="技術・人文知識・国際業務",
        period_of_stay="3年",
        period_expiry=date(2027, 4, 9),
        card_number="AB12345678CD",
    ),
)
RARE = replace(
    SETAINUSHI,
    name="髙﨑 𠮷男",
    kana="たかさき よしお",
    hittosha="髙﨑 𠮷男",
    prior_address="東京都小金井市試験町一丁目2番3号 葛\U000e0102西ハイツ101",
)


def _foreign(all_items: bool) -> DocumentData:
    data = household((MARINA,), whole_household=False, honseki=False)
    return replace(
        data,
        include_nationality=all_items,
        include_residence_status=all_items,
        include_card_number=all_items,
    )


# --- 印鑑登録証明書 ---------------------------------------------------------------------


def _inkan(impression: SealImpression) -> InkanData:
    return InkanData(
        city_name=CITY,
        mayor_name=MAYOR,
        issue_number="00023456",
        issue_date=ISSUED,
        registration_number="第0012345号",
        impression=impression,
        name=SETAINUSHI.name,
        kana=SETAINUSHI.kana,
        birth_date=SETAINUSHI.birth_date,
        sex=SETAINUSHI.sex,
        address="東京都西東京市ひばり野三丁目4番5号",
    )


def _inkan_tsusho() -> InkanData:
    """A foreign resident whose seal is registered in her 通称 (printed, as it must be)."""
    return replace(
        _inkan(SealImpression("round", 13.5, "架空")),
        issue_number="00023457",
        registration_number="第0012346号",
        name=MARINA.name,
        kana=MARINA.kana,
        birth_date=MARINA.birth_date,
        sex=MARINA.sex,
        tsusho=MARINA.tsusho,
        tsusho_kana=MARINA.tsusho_kana,
        katakana_name=MARINA.katakana_name,
    )


# --- 住民票: five people take two sheets of the household form ----------------------------

GRANDMOTHER = replace(
    SETAINUSHI,
    name="田無 キヨ",
    kana="たなし きよ",
    birth_date=date(1934, 2, 11),
    sex="女",
    zokugara="母",
    became_resident_date=date(2024, 5, 20),
    address_defined_date=None,
    prior_address="埼玉県架空市見本町一丁目2番3号",
    notified_date=date(2024, 5, 27),
    previous_address=None,
    honseki="埼玉県架空市見本町一丁目2番地",
    hittosha="田無 正造",
)
FIVE = (*FAMILY, GRANDMOTHER)


# --- 戸籍: a register long enough for three pages ----------------------------------------


def _birth(day: date, reported: date, reporter: str = "父", place: str = "東京都西東京市") -> MibunEvent:
    return MibunEvent(
        "出生", (("出生日", day), ("出生地", place), ("届出日", reported), ("届出人", reporter))
    )


def _k(name: str, born: date, zokugara: str, **kwargs: object) -> KosekiPerson:
    father = kwargs.pop("father", HITTOSHA)
    mother = kwargs.pop("mother", "架空 春子")
    return KosekiPerson(name=name, birth_date=born, zokugara=zokugara, father=father, mother=mother, **kwargs)  # type: ignore[arg-type]


YOSHIO = _k(
    "義男",
    date(1968, 3, 3),
    "長男",
    father="架空 正造",
    mother="架空 トメ",
    spouse_kubun="夫",
    name_kana="ヨシオ",
    events=(
        _birth(date(1968, 3, 3), date(1968, 3, 10), place="架空県試験市"),
        MibunEvent(
            "婚姻",
            (
                ("婚姻日", date(1994, 6, 12)),
                ("配偶者氏名", "模擬 良子"),
                ("従前戸籍", "架空県試験市本町一丁目1番地 架空 正造"),
            ),
        ),
        MibunEvent("離婚", (("離婚日", date(1997, 2, 20)), ("配偶者氏名", "模擬 良子"))),
        MibunEvent("婚姻", (("婚姻日", date(1998, 5, 10)), ("配偶者氏名", "試作 春子"))),
    ),
)
YOSHIKO = _k(
    "良子",
    date(1970, 11, 30),
    "長女",
    father="模擬 勝",
    mother="模擬 キヨ",
    removed=True,
    events=(
        _birth(date(1970, 11, 30), date(1970, 12, 5), place="模型県見本市"),
        MibunEvent(
            "婚姻",
            (
                ("婚姻日", date(1994, 6, 12)),
                ("配偶者氏名", "架空 義男"),
                ("従前戸籍", "模型県見本市中央三丁目8番地 模擬 勝"),
            ),
        ),
        MibunEvent(
            "離婚",
            (
                ("離婚日", date(1997, 2, 20)),
                ("配偶者氏名", "架空 義男"),
                ("入籍戸籍", "模型県見本市中央三丁目8番地 模擬 勝"),
            ),
        ),
    ),
)
HARUKO = _k(
    "春子",
    date(1972, 7, 7),
    "二女",
    father="試作 勇",
    mother="試作 花江",
    spouse_kubun="妻",
    name_kana="ハルコ",
    events=(
        _birth(date(1972, 7, 7), date(1972, 7, 14), place="見本県模造市"),
        MibunEvent(
            "婚姻",
            (
                ("婚姻日", date(1998, 5, 10)),
                ("配偶者氏名", "架空 義男"),
                ("従前戸籍", "見本県模造市北町四丁目12番地 試作 勇"),
            ),
        ),
    ),
)
KENTA = _k(
    "健太",
    date(1999, 4, 2),
    "長男",
    removed=True,
    name_kana="ケンタ",
    events=(
        _birth(date(1999, 4, 2), date(1999, 4, 9), place="東京都保谷市"),  # before 西東京市 (2001)
        MibunEvent(
            "婚姻",
            (
                ("婚姻日", date(2025, 10, 10)),
                ("配偶者氏名", "模型 彩"),
                ("新本籍", "東京都西東京市架空町五丁目3番地"),
                ("称する氏", "夫の氏"),
            ),
        ),
    ),
)
MISAKI = _k(
    "美咲",
    date(2001, 9, 21),
    "長女",
    removed=True,
    events=(
        _birth(date(2001, 9, 21), date(2001, 9, 28)),
        MibunEvent(
            "婚姻",
            (
                ("婚姻日", date(2024, 3, 16)),
                ("配偶者氏名", "見本 大輔"),
                ("入籍戸籍", "架空県試験市本町七丁目9番地 見本 大輔"),
            ),
        ),
    ),
)
SHO = _k(
    "翔",
    date(2004, 1, 15),
    "二男",
    name_kana="ショウ",
    events=(
        _birth(date(2004, 1, 15), date(2004, 1, 22)),
        MibunEvent(
            "認知",
            (
                ("認知日", date(2026, 2, 3)),
                ("認知した子の氏名", "模造 ひかり"),
                ("認知した子の戸籍", "模型県見本市中央九丁目1番地 模造 恵"),
            ),
        ),
    ),
)
TAKUMI = _k(
    "拓海",
    date(2010, 12, 24),
    "長男",
    father="見本 浩",
    mother="見本 由美",
    adoptive_father=HITTOSHA,
    adoptive_mother="架空 春子",
    adoptive_zokugara="養子",
    name_kana="タクミ",
    events=(
        _birth(date(2010, 12, 24), date(2011, 1, 4), place="見本県模造市"),
        MibunEvent(
            "養子縁組",
            (
                ("縁組日", date(2016, 8, 1)),
                ("養父氏名", HITTOSHA),
                ("養母氏名", "架空 春子"),
                ("代諾者", "親権者父母"),
                ("従前戸籍", "見本県模造市南町二丁目5番地 見本 浩"),
            ),
        ),
    ),
)
HINA = _k(
    "陽菜",
    date(2012, 5, 5),
    "二女",  # 春子 and 義男's second daughter, after 美咲
    removed=True,
    events=(
        _birth(date(2012, 5, 5), date(2012, 5, 11)),
        MibunEvent(
            "死亡",
            (
                ("死亡日", date(2019, 8, 30)),
                ("死亡時分", "午前3時15分"),
                ("死亡地", "東京都西東京市"),
                ("届出日", date(2019, 8, 31)),
                ("届出人", "親族 架空 義男"),
            ),
        ),
    ),
)
REGISTER = KosekiData(
    city_name=CITY,
    mayor_name=MAYOR,
    issue_number="00034567",
    issue_date=ISSUED,
    honseki=KOSEKI_HONSEKI,
    hittosha=HITTOSHA,
    koseki_events=(
        MibunEvent("戸籍編製", (("編製日", date(1994, 6, 12)),)),
        MibunEvent("氏の振り仮名", (("氏の振り仮名", "カクウ"), ("届出日", date(2025, 9, 1)))),
    ),
    members=(YOSHIO, YOSHIKO, HARUKO, KENTA, MISAKI, SHO, TAKUMI, HINA),
)
SMALL_REGISTER = replace(REGISTER, members=(YOSHIO, HARUKO), issue_number="00034568")

# --- 戸籍の附票 -----------------------------------------------------------------------------

_HOME = "東京都西東京市ひばり野三丁目4番5号"
FUHYO = FuhyoData(
    city_name=CITY,
    mayor_name=MAYOR,
    issue_number="00045678",
    issue_date=ISSUED,
    honseki=KOSEKI_HONSEKI,
    hittosha=HITTOSHA,
    include_honseki=True,
    hensei_on=date(1994, 6, 12),
    members=(
        FuhyoPerson(
            "架空 義男",
            date(1968, 3, 3),
            "男",
            (
                FuhyoAddress("架空県試験市本町一丁目1番1号", date(1994, 6, 12)),
                FuhyoAddress("東京都小金井市試験町一丁目2番3号", date(2001, 4, 1)),
                FuhyoAddress(_HOME, date(2020, 3, 28)),
            ),
        ),
        FuhyoPerson(
            "架空 良子",
            date(1970, 11, 30),
            "女",
            (FuhyoAddress("架空県試験市本町一丁目1番1号", date(1994, 6, 12)),),
            removed=True,
            removed_on=date(1997, 2, 20),
        ),
        FuhyoPerson(
            "架空 春子",
            date(1972, 7, 7),
            "女",
            (
                FuhyoAddress("架空県試験市本町一丁目1番1号", date(1998, 5, 10)),
                FuhyoAddress("東京都小金井市試験町一丁目2番3号", date(2001, 4, 1)),
                FuhyoAddress(_HOME, date(2020, 3, 28)),
            ),
        ),
        FuhyoPerson(
            "架空 健太",
            date(1999, 4, 2),
            "男",
            (
                FuhyoAddress("架空県試験市本町一丁目1番1号", date(1999, 4, 2)),
                FuhyoAddress("東京都小金井市試験町一丁目2番3号", date(2001, 4, 1)),
                FuhyoAddress(_HOME, date(2020, 3, 28)),
                FuhyoAddress("東京都西東京市架空町五丁目3番2号 架空ハイツ203", date(2025, 10, 1)),
            ),
            removed=True,
            removed_on=date(2025, 10, 10),
        ),
    ),
)

# --- 課税・非課税証明書 ----------------------------------------------------------------------
# 令和7年分 income under the rules then in force (給与所得 by 所得税法 別表第五: 6,200,000 is a row
# of its own, × 80% − 440,000; 住民税 基礎控除 43万, 配偶者・一般扶養 33万 each, rates 6% + 4%;
# 均等割 3,000 + 1,000 and the 森林環境税 1,000 from 令和6年度); 調整控除 is left out to keep the
# arithmetic visible. The address is the one of 1 January (賦課期日).

KAZEI = KazeiData(
    city_name=CITY,
    mayor_name=MAYOR,
    issue_number="00056789",
    issue_date=ISSUED,
    fiscal_year=2026,
    address="東京都西東京市架空町一丁目2番3号",
    name=SETAINUSHI.name,
    kana=SETAINUSHI.kana,
    birth_date=SETAINUSHI.birth_date,
    incomes=(
        IncomeItem("給与", 4_520_000, 6_200_000),
        IncomeItem("雑（公的年金等以外）", 120_000, 180_000),
    ),
    deductions=(
        Deduction("社会保険料控除", 905_000),
        Deduction("生命保険料控除", 70_000),
        Deduction("配偶者控除", 330_000),
        Deduction("扶養控除", 330_000),
        Deduction("基礎控除", 430_000),
    ),
    dependants=Dependants(spouse=1, general=1, under16=1),
    taxable_income=2_575_000,
    municipal_income_levy=154_500,
    municipal_per_capita=3_000,
    prefectural_income_levy=103_000,
    prefectural_per_capita=1_000,
    forest_env_tax=1_000,
)
# A single mother with a child under 16: ひとり親, 非課税 (income up to 1,350,000).
HIKAZEI = replace(
    KAZEI,
    issue_number="00056790",
    address="東京都西東京市架空町三丁目8番9号 架空コーポ102",
    name="試作 奈々",
    kana="しさく なな",
    birth_date=date(1991, 5, 20),
    incomes=(IncomeItem("給与", 1_040_000, 1_690_000),),
    deductions=(
        Deduction("社会保険料控除", 253_000),
        Deduction("ひとり親控除", 300_000),
        Deduction("基礎控除", 430_000),
    ),
    dependants=Dependants(under16=1),
    single_parent=True,
    taxable_income=57_000,
    municipal_income_levy=0,
    municipal_per_capita=0,
    prefectural_income_levy=0,
    prefectural_per_capita=0,
    forest_env_tax=0,
)
# 令和5年度 (令和4年分): before the 森林環境税, with the 復興 surcharge on the 均等割 (3,500 + 1,500),
# and the narrower 給与所得控除 (at least 550,000) of 令和2年分 to 令和6年分.
KAZEI_R5 = replace(
    KAZEI,
    issue_number="00056791",
    fiscal_year=2023,
    incomes=(IncomeItem("給与", 4_520_000, 6_200_000),),
    total_income=None,
    disabled=True,
    deductions=(
        Deduction("社会保険料控除", 930_000),
        Deduction("配偶者控除", 330_000),
        Deduction("扶養控除", 330_000),
        Deduction("障害者控除", 260_000),
        Deduction("基礎控除", 430_000),
    ),
    taxable_income=2_240_000,
    municipal_income_levy=134_400,
    municipal_per_capita=3_500,
    prefectural_income_levy=89_600,
    prefectural_per_capita=1_500,
    forest_env_tax=0,
)

CHOSEN = (HANAKO, ICHIRO)

CASES: dict[str, tuple[str, DocumentData]] = {
    "juminhyo-self": ("juminhyo", household((SETAINUSHI,), whole_household=False)),
    "juminhyo-self-plain": (
        "juminhyo",
        household((SETAINUSHI,), whole_household=False, zokugara=False, honseki=False),
    ),
    "juminhyo-all": ("juminhyo", household(FAMILY)),
    "juminhyo-all-no-honseki": ("juminhyo", household(FAMILY, honseki=False)),
    "juminhyo-all-no-zokugara": ("juminhyo", household(FAMILY, zokugara=False)),
    "juminhyo-chosen": ("juminhyo", household(CHOSEN, whole_household=False)),
    "juminhyo-chosen-plain": (
        "juminhyo",
        household(CHOSEN, whole_household=False, zokugara=False, honseki=False),
    ),
    "juminhyo-foreign": ("juminhyo", _foreign(True)),
    "juminhyo-foreign-no-items": ("juminhyo", _foreign(False)),
    "juminhyo-rare-characters": ("juminhyo", household((RARE,), whole_household=False)),
    "juminhyo-five-people": ("juminhyo", household(FIVE, issue_number="00012346")),
    "inkan-round": ("inkan", _inkan(SealImpression("round", 15.0, "田無"))),
    "inkan-square-full-name": ("inkan", _inkan(SealImpression("square", 18.0, "田無太郎"))),
    "inkan-tsusho": ("inkan", _inkan_tsusho()),
    "koseki-zenbu": ("koseki", REGISTER),
    "koseki-zenbu-small": ("koseki", SMALL_REGISTER),
    "koseki-kojin": ("koseki", replace(REGISTER, scope="kojin", selected=(5,), issue_number="00034569")),
    "fuhyo-honseki": ("fuhyo", FUHYO),
    "fuhyo-no-honseki": ("fuhyo", replace(FUHYO, include_honseki=False, issue_number="00045679")),
    "kazei-taxed": ("kazei", KAZEI),
    "kazei-hikazei": ("kazei", HIKAZEI),
    "kazei-r5-before-forest-tax": ("kazei", KAZEI_R5),
}
