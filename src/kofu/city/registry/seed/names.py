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


_EXTRA_MALE = (("翔太", "ショウタ"), ("大輔", "ダイスケ"), ("健太", "ケンタ"), ("拓也", "タクヤ"), ("蓮", "レン"),
               ("悠真", "ユウマ"), ("湊", "ミナト"), ("陽翔", "ハルト"), ("一郎", "イチロウ"), ("正雄", "マサオ"),
               ("清", "キヨシ"), ("茂", "シゲル"))  # fmt: skip
_EXTRA_FEMALE = (("陽菜", "ヒナ"), ("結愛", "ユア"), ("美咲", "ミサキ"), ("彩", "アヤ"), ("恵子", "ケイコ"),
                 ("幸子", "サチコ"), ("和子", "カズコ"), ("裕子", "ユウコ"), ("芽依", "メイ"), ("葵", "アオイ"))  # fmt: skip


class NameSource:
    """Japanese names, towns and building names drawn from Faker's ``ja_JP`` tables (family names
    weighted by frequency) with the caller's Random: much faster than a Faker instance, and
    deterministic in that Random alone."""

    _family = tuple(pair[:2] for pair in _person.Provider.last_name_pairs)
    _family_cum = tuple(accumulate(_person.Provider.last_name_pairs.values()))
    _male = tuple(pair[:2] for pair in _person.Provider.first_name_male_pairs) + _EXTRA_MALE
    _female = tuple(pair[:2] for pair in _person.Provider.first_name_female_pairs) + _EXTRA_FEMALE

    def __init__(self, rng: random.Random):
        self.rng = rng

    def family(self) -> tuple[str, str]:
        """A family name and its katakana reading."""
        return self.rng.choices(self._family, cum_weights=self._family_cum)[0]

    def given(self, sex: str) -> tuple[str, str]:
        """A given name of that sex (男/女) and its reading."""
        return self.rng.choice(self._male if sex == "男" else self._female)

    def town(self) -> str:
        """A town name (may be invented for the municipality it is put in)."""
        return self.rng.choice(_address.Provider.towns)

    def building(self) -> str:
        """A building name suffix (ハイツ, コーポ…)."""
        return self.rng.choice(_address.Provider.building_names)
