"""住民票の写し: the holder's household (or the chosen members) as JuminhyoData."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kofu.city.issuer.mapping import issued
from kofu.city.registry.models import SETAINUSHI, CitySetting, Resident
from kofu.documents.juminhyo import ForeignResidentItems, JuminhyoData, JuminhyoPerson

SPECIAL_PERMANENT = "特別永住者"
MID_LONG_TERM = "中長期在留者"


def _foreign(resident: Resident) -> ForeignResidentItems | None:
    if resident.nationality is None:
        return None
    special = resident.residence_status == SPECIAL_PERMANENT
    return ForeignResidentItems(
        nationality=resident.nationality,
        category=SPECIAL_PERMANENT if special else MID_LONG_TERM,
        residence_status=None if special else resident.residence_status,
        period_of_stay=None if special else resident.stay_period,
        period_expiry=None if special else resident.stay_expires_on,
        card_number=resident.residence_card_number,
    )


def _person(resident: Resident, include_honseki: bool) -> JuminhyoPerson:
    # 住所を定めた年月日 is that of a move within the city: blank for someone who never moved here.
    moved = resident.address_defined_date != resident.became_resident_date
    return JuminhyoPerson(
        name=resident.name,
        kana=resident.kana,
        birth_date=resident.birth_date,
        sex=resident.sex,
        zokugara=resident.zokugara,
        became_resident_date=resident.became_resident_date,
        became_resident_reason=resident.became_resident_reason,
        address_defined_date=resident.address_defined_date if moved else None,
        prior_address=resident.prior_address,
        notified_date=resident.notified_on,
        previous_address=resident.previous_address if moved else None,
        katakana_name=resident.katakana_name,
        honseki=resident.honseki if include_honseki else None,
        hittosha=resident.hittosha if include_honseki else None,
        tsusho=resident.alias_name,
        tsusho_kana=resident.alias_kana,
        foreign=_foreign(resident),
    )


def build_juminhyo(
    setting: CitySetting,
    holder: Resident,
    members: Sequence[Resident],
    options: dict[str, str],
    issue_number: str,
    issue_date: date,
) -> JuminhyoData:
    """The document data for ``members`` of the holder's household, with the chosen options."""
    household = holder.household
    head = next((m for m in household.members if m.zokugara == SETAINUSHI and m.status == "active"), None)
    include_honseki = options.get("honseki") == "on"
    return JuminhyoData(
        **issued(setting, issue_number, issue_date),
        address=household.address.full_text,
        setainushi=head.name if head is not None else holder.name,
        members=tuple(_person(m, include_honseki) for m in members),
        whole_household=options.get("household") == "all",
        include_setainushi_zokugara=options.get("setainushi") == "on",
        include_honseki=include_honseki,
        include_nationality=options.get("nationality") == "on",
        include_residence_status=options.get("residence_status") == "on",
        include_card_number=options.get("card_number") == "on",
    )
