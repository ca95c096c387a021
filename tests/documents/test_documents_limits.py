"""Names and addresses beyond the layout limits are refused with document.too_long."""

from dataclasses import replace

import pytest
from documents_cases import CASES, FUHYO, KAZEI, REGISTER, _inkan
from documents_samples import SETAINUSHI, household

from kofu.documents import (
    ADDRESS_MAX_UNITS,
    NAME_MAX_UNITS,
    DocumentData,
    DocumentError,
    FuhyoAddress,
    SealImpression,
    extract_text,
    render,
)
from kofu.documents.limits import units

LONG_NAME = "架" * (NAME_MAX_UNITS - 2) + " 空空"  # 30.5 units
LONG_ADDRESS = "東京都西東京市" + "架" * (ADDRESS_MAX_UNITS - 7) + "1"  # 120.5 units
MAX_NAME = "架" * (NAME_MAX_UNITS - 3) + " 空空"  # 29.5 units
MAX_ADDRESS = "東京都西東京市" + "架" * (ADDRESS_MAX_UNITS - 8) + "号"  # 120 units


def test_units_count_full_width_as_one_and_ascii_as_half() -> None:
    assert units("田無 太郎") == 4.5
    assert units("ALVES") == 2.5
    assert units("葛\U000e0102") == 1
    assert units(LONG_NAME) > NAME_MAX_UNITS >= units(MAX_NAME)
    assert units(LONG_ADDRESS) > ADDRESS_MAX_UNITS >= units(MAX_ADDRESS)


def _too_long(doc_type: str, data: DocumentData) -> None:
    with pytest.raises(DocumentError) as info:
        render(doc_type, data)
    assert info.value.code == "document.too_long"


@pytest.mark.parametrize(
    ("doc_type", "data"),
    [
        ("juminhyo", household((replace(SETAINUSHI, name=LONG_NAME),))),
        ("juminhyo", replace(household(), address=LONG_ADDRESS)),
        ("juminhyo", household((replace(SETAINUSHI, prior_address=LONG_ADDRESS),))),
        ("inkan", replace(_inkan(SealImpression("round", 15, "田")), name=LONG_NAME)),
        ("inkan", replace(_inkan(SealImpression("round", 15, "田")), address=LONG_ADDRESS)),
        ("koseki", replace(REGISTER, honseki=LONG_ADDRESS)),
        ("koseki", replace(REGISTER, hittosha=LONG_NAME)),
        ("fuhyo", replace(FUHYO, members=(replace(FUHYO.members[0], name=LONG_NAME),))),
        (
            "fuhyo",
            replace(
                FUHYO,
                members=(
                    replace(FUHYO.members[0], addresses=(FuhyoAddress(LONG_ADDRESS, KAZEI.issue_date),)),
                ),
            ),
        ),
        ("kazei", replace(KAZEI, name=LONG_NAME)),
        ("kazei", replace(KAZEI, address=LONG_ADDRESS)),
        ("juminhyo", household((replace(SETAINUSHI, previous_address=LONG_ADDRESS),))),
    ],
)
def test_beyond_the_limit_is_too_long(doc_type: str, data: DocumentData) -> None:
    _too_long(doc_type, data)


@pytest.mark.parametrize("case", ["juminhyo-all", "inkan-round", "fuhyo-honseki", "kazei-taxed"])
def test_at_the_limit_everything_still_prints(case: str) -> None:
    doc_type, data = CASES[case]
    if doc_type == "juminhyo":
        data = household((replace(SETAINUSHI, name=MAX_NAME, prior_address=MAX_ADDRESS),))
        data = replace(data, address=MAX_ADDRESS, setainushi=MAX_NAME)
    elif doc_type == "fuhyo":
        person = replace(
            FUHYO.members[0], name=MAX_NAME, addresses=(FuhyoAddress(MAX_ADDRESS, KAZEI.issue_date),)
        )
        data = replace(FUHYO, members=(person,), include_honseki=False)  # the whole 氏名 is printed
    else:
        data = replace(data, name=MAX_NAME, address=MAX_ADDRESS)  # type: ignore[type-var]
    text = extract_text(render(doc_type, data)).replace("\n", "")
    assert MAX_NAME in text
    assert MAX_ADDRESS in text
