"""Name and address material: rare characters, foreign residents, very long building names."""

from __future__ import annotations

import random
from itertools import accumulate

from faker.providers.address import ja_JP as _address
from faker.providers.person import ja_JP as _person

#: Family names written with characters outside JIS X 0208, with their reading (katakana).
#: 髙 U+9AD9 (はしご高), 﨑 U+FA11 (たつさき), 𠮷 U+20BB7 (つちよし, outside the BMP) and 葛 with
#: the variation selector U+E0100 (IVS: the traditional form).
RARE_FAMILY_NAMES = (
    ("髙橋", "タカハシ"),
    ("山﨑", "ヤマサキ"),
    ("\U00020bb7田", "ヨシダ"),
    ("葛\U000e0100西", "カサイ"),
)

#: Long building names (a real address may not fit a document's address field).
_LONG_BUILDING_PARTS = (
    ("ザ・パークハウス", "プラウドシティ", "グランドメゾン", "ライオンズマンション", "パークホームズ"),
    ("武蔵野ひばりが丘", "西東京田無駅前", "小平花小金井", "多摩湖畔"),
    ("グランフォレストレジデンス", "ステーションフロントタワー", "ガーデンテラスヒルズ"),
    ("・イーストウイング", "・ウエストコート", "・ノースアベニュー"),
)


def has_rare_character(text: str) -> bool:
    """True when ``text`` has a character outside JIS X 0208 (needs IPAmj Mincho, or is an IVS)."""
    try:
        text.encode("shift_jis")
    except UnicodeEncodeError:
        return True
    return False


def graphemes(text: str) -> list[str]:
    """Characters as printed: a variation selector stays with the character before it."""
    out: list[str] = []
    for char in text:
        if out and (0xE0100 <= ord(char) <= 0xE01EF or 0xFE00 <= ord(char) <= 0xFE0F):
            out[-1] += char
        else:
            out.append(char)
    return out


def long_building(rng: random.Random) -> str:
    """A building name with room number, 40 characters or more."""
    parts = "".join(rng.choice(options) for options in _LONG_BUILDING_PARTS)
    return f"{parts}{rng.randint(10, 35)}{rng.randint(1, 20):02d}号室"


# nationality: (weight, statuses, names (family, family kana), given names (name, kana, sex))
_FOREIGN: dict[
    str, tuple[int, tuple[str, ...], tuple[tuple[str, str], ...], tuple[tuple[str, str, str], ...]]
] = {
    "ベトナム": (
        5,
        ("技能実習", "技術・人文知識・国際業務", "留学", "特定技能", "永住者"),
        (("NGUYEN", "グエン"), ("TRAN", "チャン"), ("LE", "レ"), ("PHAM", "ファム")),
        (
            ("VAN AN", "ヴァン　アン", "男"),
            ("DUC MINH", "ドゥック　ミン", "男"),
            ("QUANG HUY", "クアン　フイ", "男"),
            ("NGOC ANH", "ゴック　アイン", "女"),
            ("THI HOA", "ティ　ホア", "女"),
            ("THI LAN", "ティ　ラン", "女"),
        ),
    ),
    "中国": (
        5,
        ("永住者", "技術・人文知識・国際業務", "留学", "家族滞在", "日本人の配偶者等"),
        (("王", "ワン"), ("李", "リ"), ("張", "チャン"), ("劉", "リュウ")),
        (
            ("偉", "ウェイ", "男"),
            ("強", "チャン", "男"),
            ("浩然", "ハオラン", "男"),
            ("芳", "ファン", "女"),
            ("娜", "ナ", "女"),
            ("雨桐", "ユートン", "女"),
        ),
    ),
    "韓国": (
        4,
        ("特別永住者", "永住者", "技術・人文知識・国際業務"),
        (("金", "キム"), ("朴", "パク"), ("崔", "チェ")),
        (
            ("民俊", "ミンジュン", "男"),
            ("賢宇", "ヒョヌ", "男"),
            ("志勲", "ジフン", "男"),
            ("瑞賢", "ソヒョン", "女"),
            ("智恩", "ジウン", "女"),
            ("秀妍", "スヨン", "女"),
        ),
    ),
    "フィリピン": (
        3,
        ("日本人の配偶者等", "定住者", "永住者"),
        (("SANTOS", "サントス"), ("REYES", "レイエス"), ("CRUZ", "クルス")),
        (
            ("JOSE MIGUEL", "ホセ　ミゲル", "男"),
            ("MARK ANTHONY", "マーク　アンソニー", "男"),
            ("KRISTINE JOY", "クリスティン　ジョイ", "女"),
            ("MARIA CLARA", "マリア　クララ", "女"),
            ("ANNA MAE", "アンナ　メイ", "女"),
        ),
    ),
    "ネパール": (
        2,
        ("技能", "家族滞在", "留学"),
        (("GURUNG", "グルン"), ("SHRESTHA", "シュレスタ")),
        (
            ("BIKASH", "ビカス", "男"),
            ("ARJUN", "アルジュン", "男"),
            ("SITA", "シタ", "女"),
            ("ANITA", "アニタ", "女"),
        ),
    ),
    "ブラジル": (
        1,
        ("定住者", "永住者"),
        (("SILVA", "シルバ"), ("OLIVEIRA", "オリベイラ")),
        (
            ("LUCAS", "ルーカス", "男"),
            ("PEDRO", "ペドロ", "男"),
            ("ANA BEATRIZ", "アナ　ベアトリス", "女"),
            ("JULIA", "ジュリア", "女"),
        ),
    ),
    "アメリカ合衆国": (
        1,
        ("技術・人文知識・国際業務", "教授", "永住者"),
        (("SMITH", "スミス"), ("JOHNSON", "ジョンソン")),
        (
            ("MICHAEL JAMES", "マイケル　ジェームズ", "男"),
            ("DANIEL", "ダニエル", "男"),
            ("EMILY ROSE", "エミリー　ローズ", "女"),
            ("SARAH", "サラ", "女"),
        ),
    ),
}
NATIONALITIES = tuple(_FOREIGN)
_PERIODS = {"留学": ("4年3月", "2年3月", "1年"), "技能実習": ("1年", "2年"), "特定技能": ("1年",)}
_ALIASES = (("金本", "カネモト"), ("新井", "アライ"), ("松本", "マツモト"), ("林", "ハヤシ"))


def nationality(rng: random.Random) -> str:
    """A nationality drawn by weight."""
    return rng.choices(NATIONALITIES, weights=[_FOREIGN[n][0] for n in NATIONALITIES])[0]


def foreign_family(rng: random.Random, country: str) -> tuple[str, str]:
    """A family name (and kana) of that country."""
    return rng.choice(_FOREIGN[country][2])


def foreign_given(rng: random.Random, country: str, sex: str, taken: set[str]) -> tuple[str, str]:
    """A given name (and kana) of that country and sex, avoiding ``taken`` where possible."""
    options = [(g, k) for g, k, s in _FOREIGN[country][3] if s == sex]
    free = [o for o in options if o[0] not in taken] or options
    return rng.choice(free)


def residence_status(rng: random.Random, country: str) -> str:
    """A 在留資格 plausible for that country."""
    return rng.choice(_FOREIGN[country][1])


def stay_period(rng: random.Random, status: str) -> str | None:
    """在留期間 for a status (None for 永住者 and 特別永住者, who have no period)."""
    if status in ("永住者", "特別永住者"):
        return None
    return rng.choice(_PERIODS.get(status, ("5年", "3年", "1年")))


def card_number(rng: random.Random) -> str:
    """A 在留カード番号: two letters, eight digits, two letters."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return (
        "".join(rng.choice(letters) for _ in range(2))
        + f"{rng.randrange(10**8):08d}"
        + "".join(rng.choice(letters) for _ in range(2))
    )


def alias_family(rng: random.Random) -> tuple[str, str]:
    """A Japanese family name used as 通称."""
    return rng.choice(_ALIASES)


#: Japanese given names with the birth years they fit (first, last), after the yearly rankings of
#: names given to newborns (明治安田生命「生まれ年別の名前調査」, 1912–2024): a name popular after
#: 2000 on someone born in 1930, or a 1930s name on a child born in 2015, is what a clerk notices.
#: (name, reading, sex, first birth year, last birth year)
GIVEN_NAMES: tuple[tuple[str, str, str, int, int], ...] = (
    # men
    ("清", "キヨシ", "男", 1880, 1950), ("茂", "シゲル", "男", 1880, 1950), ("三郎", "サブロウ", "男", 1880, 1945),
    ("正一", "ショウイチ", "男", 1880, 1945), ("正雄", "マサオ", "男", 1900, 1950), ("勇", "イサム", "男", 1890, 1950),
    ("実", "ミノル", "男", 1900, 1955), ("進", "ススム", "男", 1910, 1960), ("博", "ヒロシ", "男", 1920, 1960),
    ("一郎", "イチロウ", "男", 1880, 1960), ("武", "タケシ", "男", 1890, 1955), ("勝", "マサル", "男", 1920, 1955),
    ("和夫", "カズオ", "男", 1920, 1955), ("昭", "アキラ", "男", 1926, 1960), ("稔", "ミノル", "男", 1915, 1965),
    ("修", "オサム", "男", 1940, 1970), ("浩", "ヒロシ", "男", 1945, 1975), ("隆", "タカシ", "男", 1940, 1975),
    ("誠", "マコト", "男", 1950, 1985), ("健一", "ケンイチ", "男", 1945, 1980), ("哲也", "テツヤ", "男", 1955, 1985),
    ("英樹", "ヒデキ", "男", 1955, 1985), ("学", "マナブ", "男", 1955, 1980), ("康弘", "ヤスヒロ", "男", 1950, 1980),
    ("陽一", "ヨウイチ", "男", 1950, 1985), ("淳", "ジュン", "男", 1960, 1990), ("充", "ミツル", "男", 1950, 1980),
    ("治", "オサム", "男", 1935, 1975), ("晃", "アキラ", "男", 1955, 1990), ("和也", "カズヤ", "男", 1960, 1995),
    ("直樹", "ナオキ", "男", 1965, 1995), ("篤司", "アツシ", "男", 1965, 1990), ("洋介", "ヨウスケ", "男", 1965, 1995),
    ("大輔", "ダイスケ", "男", 1970, 1995), ("拓也", "タクヤ", "男", 1970, 2000), ("健太", "ケンタ", "男", 1975, 2005),
    ("直人", "ナオト", "男", 1965, 2000), ("亮介", "リョウスケ", "男", 1975, 2000), ("修平", "シュウヘイ", "男", 1970, 2000),
    ("智也", "トモヤ", "男", 1975, 2000), ("裕樹", "ユウキ", "男", 1975, 2005), ("裕太", "ユウタ", "男", 1980, 2005),
    ("翔太", "ショウタ", "男", 1985, 2005), ("涼平", "リョウヘイ", "男", 1985, 2005), ("翼", "ツバサ", "男", 1988, 2010),
    ("拓真", "タクマ", "男", 1990, 2015), ("太一", "タイチ", "男", 1975, 2010), ("聡太郎", "ソウタロウ", "男", 1990, 2015),
    ("拓海", "タクミ", "男", 1995, 2015), ("大翔", "ヒロト", "男", 2000, 2020), ("蓮", "レン", "男", 1997, 2026),
    ("颯太", "ソウタ", "男", 2000, 2020), ("悠真", "ユウマ", "男", 2000, 2026), ("陽翔", "ハルト", "男", 2005, 2026),
    ("湊", "ミナト", "男", 2008, 2026), ("樹", "イツキ", "男", 2000, 2026), ("碧", "アオイ", "男", 2012, 2026),
    ("大和", "ヤマト", "男", 2003, 2026), ("朝陽", "アサヒ", "男", 2012, 2026), ("律", "リツ", "男", 2015, 2026),
    ("太郎", "タロウ", "男", 1880, 2026),
    # women
    ("ハル", "ハル", "女", 1880, 1935), ("キヨ", "キヨ", "女", 1880, 1935), ("トメ", "トメ", "女", 1880, 1930),
    ("フミ", "フミ", "女", 1880, 1935), ("ツル", "ツル", "女", 1880, 1930), ("ヨシ", "ヨシ", "女", 1880, 1935), ("千代", "チヨ", "女", 1890, 1945), ("静子", "シズコ", "女", 1905, 1950),
    ("文子", "フミコ", "女", 1905, 1950), ("久子", "ヒサコ", "女", 1910, 1955), ("和子", "カズコ", "女", 1920, 1960),
    ("幸子", "サチコ", "女", 1920, 1960), ("節子", "セツコ", "女", 1925, 1960), ("美代子", "ミヨコ", "女", 1925, 1960),
    ("洋子", "ヨウコ", "女", 1935, 1970), ("恵子", "ケイコ", "女", 1935, 1975), ("京子", "キョウコ", "女", 1935, 1970),
    ("花子", "ハナコ", "女", 1910, 1960), ("陽子", "ヨウコ", "女", 1945, 1980), ("明美", "アケミ", "女", 1950, 1980),
    ("由美子", "ユミコ", "女", 1950, 1980), ("くみ子", "クミコ", "女", 1950, 1980), ("直子", "ナオコ", "女", 1955, 1985),
    ("裕子", "ユウコ", "女", 1955, 1985), ("美加子", "ミカコ", "女", 1960, 1985), ("裕美子", "ユミコ", "女", 1955, 1985),
    ("智子", "トモコ", "女", 1955, 1985), ("真由美", "マユミ", "女", 1955, 1985), ("さゆり", "サユリ", "女", 1960, 1990),
    ("香織", "カオリ", "女", 1965, 1995), ("知実", "トモミ", "女", 1965, 1995), ("里佳", "リカ", "女", 1970, 1995),
    ("幹", "ミキ", "女", 1970, 1995), ("舞", "マイ", "女", 1975, 2005), ("あすか", "アスカ", "女", 1975, 2000),
    ("加奈", "カナ", "女", 1975, 2005), ("桃子", "モモコ", "女", 1975, 2005), ("真綾", "マアヤ", "女", 1980, 2005),
    ("彩", "アヤ", "女", 1980, 2010), ("春香", "ハルカ", "女", 1985, 2010), ("美咲", "ミサキ", "女", 1985, 2010),
    ("結衣", "ユイ", "女", 1990, 2020), ("七夏", "ナナカ", "女", 1995, 2020), ("葵", "アオイ", "女", 1995, 2026),
    ("陽菜", "ヒナ", "女", 2000, 2026), ("結愛", "ユア", "女", 2003, 2026), ("芽依", "メイ", "女", 2003, 2026),
    ("凛", "リン", "女", 2000, 2026), ("さくら", "サクラ", "女", 1995, 2020), ("紬", "ツムギ", "女", 2010, 2026),
    ("陽葵", "ヒマリ", "女", 2008, 2026), ("澪", "ミオ", "女", 2008, 2026),
)  # fmt: skip


def given_name_years(name: str, sex: str) -> tuple[int, int] | None:
    """The birth years a Japanese given name fits (None: not in the table, so not judged)."""
    return _YEARS.get((name, sex))


_YEARS = {(name, sex): (first, last) for name, _, sex, first, last in GIVEN_NAMES}
_ALL = {sex: tuple((n, k) for n, k, s, _, _ in GIVEN_NAMES if s == sex) for sex in ("男", "女")}
_BY_SEX_YEAR: dict[tuple[str, int], tuple[tuple[str, str], ...]] = {}


def _given_for(sex: str, year: int) -> tuple[tuple[str, str], ...]:
    year = max(1880, min(2026, year))
    found = _BY_SEX_YEAR.get((sex, year))
    if found is None:
        found = tuple((n, k) for n, k, s, first, last in GIVEN_NAMES if s == sex and first <= year <= last)
        _BY_SEX_YEAR[(sex, year)] = found
    return found


class NameSource:
    """Japanese names, towns and building names drawn from Faker's ``ja_JP`` tables (family names
    weighted by frequency) with the caller's Random: much faster than a Faker instance, and
    deterministic in that Random alone."""

    _family = tuple(pair[:2] for pair in _person.Provider.last_name_pairs)
    _family_cum = tuple(accumulate(_person.Provider.last_name_pairs.values()))

    def __init__(self, rng: random.Random):
        self.rng = rng

    def family(self) -> tuple[str, str]:
        """A family name and its katakana reading."""
        return self.rng.choices(self._family, cum_weights=self._family_cum)[0]

    def given(self, sex: str, born: int | None = None) -> tuple[str, str]:
        """A given name of that sex (男/女) fitting someone born in year ``born`` (any year when
        None), and its reading."""
        if born is None:
            return self.rng.choice(_ALL[sex])
        return self.rng.choice(_given_for(sex, born))

    def town(self) -> str:
        """A town name (may be invented for the municipality it is put in)."""
        return self.rng.choice(_address.Provider.towns)

    def building(self) -> str:
        """A building name suffix (ハイツ, コーポ…)."""
        return self.rng.choice(_address.Provider.building_names)
