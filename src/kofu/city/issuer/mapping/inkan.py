"""印鑑登録証明書: the live registration and its registrant as InkanData."""

from __future__ import annotations

from datetime import date

from kofu.city.issuer.mapping import issued
from kofu.city.registry.models import CitySetting, Resident, SealRegistration
from kofu.documents.impression import MIN_SIZE_MM, SealImpression
from kofu.documents.inkan import InkanData


def impression_of(registration: SealRegistration) -> SealImpression:
    """The registry's 印影 as the renderer draws it (an oval's registry size is its height)."""
    seal = registration.seal
    if seal.shape == "oval":
        width = max(MIN_SIZE_MM, round(seal.size_mm * 0.75, 1))
        return SealImpression("oval", width, seal.characters, height_mm=seal.size_mm)
    return SealImpression(seal.shape, seal.size_mm, seal.characters)  # type: ignore[arg-type]


def build_inkan(
    setting: CitySetting,
    resident: Resident,
    registration: SealRegistration,
    issue_number: str,
    issue_date: date,
) -> InkanData:
    """The certificate of ``registration`` (which the caller has just read as live)."""
    return InkanData(
        **issued(setting, issue_number, issue_date),
        registration_number=registration.registration_number,
        impression=impression_of(registration),
        name=resident.name,
        birth_date=resident.birth_date,
        sex=resident.sex,
        address=resident.household.address.full_text,
        kana=resident.kana,
        tsusho=resident.alias_name,
        tsusho_kana=resident.alias_kana,
        katakana_name=resident.katakana_name,
    )
