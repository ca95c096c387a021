"""From registry rows to the data of a 住民票の写し (the issuer's side of the document)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kofu.city.registry.models import SETAINUSHI, CitySetting, Resident
from kofu.documents.juminhyo import JuminhyoData, JuminhyoPerson


def _person(resident: Resident, include_honseki: bool) -> JuminhyoPerson:
    return JuminhyoPerson(
        name=resident.name,
        kana=resident.kana,
        birth_date=resident.birth_date,
        sex=resident.sex,
        zokugara=resident.zokugara,
        became_resident_date=resident.became_resident_date,
        became_resident_reason=resident.became_resident_reason,
        address_defined_date=resident.address_defined_date,
        prior_address=resident.prior_address,
        honseki=resident.honseki if include_honseki else None,
        hittosha=resident.hittosha if include_honseki else None,
    )


def build_juminhyo(
    setting: CitySetting,
    holder: Resident,
    members: Sequence[Resident],
    options: dict[str, str],
    issue_number: str,
    issue_date: date,
) -> JuminhyoData:
    """The document data for `members` of the holder's household, with the chosen options."""
    household = holder.household
    head = next((m for m in household.members if m.zokugara == SETAINUSHI and m.status == "active"), None)
    include_honseki = options.get("honseki") == "on"
    return JuminhyoData(
        city_name=setting.city_name,
        mayor_name=setting.mayor_name,
        issue_number=issue_number,
        issue_date=issue_date,
        address=household.address.full_text,
        setainushi=head.name if head is not None else holder.name,
        members=tuple(_person(m, include_honseki) for m in members),
        whole_household=options.get("household") == "all",
        include_setainushi_zokugara=options.get("setainushi") == "on",
        include_honseki=include_honseki,
    )
