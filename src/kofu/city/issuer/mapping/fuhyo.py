"""戸籍の附票の写し: the register's members and their address history as FuhyoData."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kofu.city.issuer.mapping import issued
from kofu.city.registry.models import CitySetting, FuhyoEntry, KosekiRegister
from kofu.documents.fuhyo import FuhyoAddress, FuhyoData, FuhyoPerson


def build_fuhyo(
    setting: CitySetting,
    register: KosekiRegister,
    entries: Sequence[FuhyoEntry],
    include_honseki: bool,
    issue_number: str,
    issue_date: date,
) -> FuhyoData:
    """Every member of the register in register order, each with every address the 附票 holds for
    them, oldest first (the registry keeps them from the member's entry or the 改製, without gaps)."""
    by_member: dict[int, list[FuhyoAddress]] = {}
    for entry in entries:
        by_member.setdefault(entry.member_id, []).append(FuhyoAddress(entry.address, entry.defined_on))
    people = tuple(
        FuhyoPerson(
            m.name,
            m.birth_date,
            m.sex,
            tuple(by_member.get(m.id, ())),
            removed=m.removed,
            given_name=m.given_name,
            removed_on=m.removed_on,
        )
        for m in register.members
    )
    return FuhyoData(
        **issued(setting, issue_number, issue_date),
        honseki=register.honseki,
        hittosha=register.hittosha,
        members=people,
        include_honseki=include_honseki,
        hensei_on=register.hensei_on,
        kaisei_on=register.kaisei_on,
    )
