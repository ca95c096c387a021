"""戸籍全部事項 / 個人事項証明書: a register kept here as KosekiData."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from kofu.city.registry.models import CitySetting, KosekiEvent, KosekiMember, KosekiRegister
from kofu.documents.koseki import FieldValue, KosekiData, KosekiPerson, MibunEvent

#: Field labels per 身分事項 kind: (day, place, counterpart) as the register prints them.
_LABELS: dict[str, tuple[str, str, str]] = {
    "出生": ("出生日", "出生地", ""),
    "婚姻": ("婚姻日", "", "配偶者氏名"),
    "離婚": ("離婚日", "", "配偶者氏名"),
    "養子縁組": ("縁組日", "", "養親氏名"),
    "認知": ("認知日", "", "認知した子の氏名"),
    "死亡": ("死亡日", "死亡地", ""),
    "分籍": ("分籍日", "", ""),
}


def mibun_event(event: KosekiEvent) -> MibunEvent:
    """One 身分事項 with its labelled fields, in print order."""
    day, place, counterpart = _LABELS.get(event.kind, (f"{event.kind}日", "", ""))
    fields: list[tuple[str, FieldValue]] = [(day, event.event_on)]
    if place and event.place:
        fields.append((place, event.place))
    if event.reported_on is not None:
        fields.append(("届出日", event.reported_on))
    if event.reporter:
        fields.append(("届出人", event.reporter))
    if counterpart and event.counterpart_name:
        fields.append((counterpart, event.counterpart_name))
    if event.previous_register:
        fields.append(("従前戸籍", event.previous_register))
    if event.new_register:
        fields.append(("新本籍" if event.kind in ("離婚", "分籍") else "入籍戸籍", event.new_register))
    return MibunEvent(event.kind, tuple(fields))


def koseki_person(member: KosekiMember) -> KosekiPerson:
    """One 「戸籍に記録されている者」 (名 only, as the register prints it)."""
    return KosekiPerson(
        name=member.given_name,
        birth_date=member.birth_date,
        zokugara=member.zokugara,
        father=member.father_name,
        mother=member.mother_name,
        spouse_kubun=member.spouse_kind,
        adoptive_father=member.adoptive_father_name,
        adoptive_mother=member.adoptive_mother_name,
        adoptive_zokugara=member.adoptive_zokugara or "養子",
        events=tuple(mibun_event(e) for e in member.events),
        removed=member.removed,
    )


def register_events(register: KosekiRegister) -> tuple[MibunEvent, ...]:
    """戸籍事項: 改製 (for registers made on paper) and 編製."""
    events = [MibunEvent("戸籍編製", (("編製日", register.hensei_on),))]
    if register.kaisei_on is not None:
        reason = "平成6年法務省令第51号附則第2条第1項による改製"
        events.append(MibunEvent("戸籍改製", (("改製日", register.kaisei_on), ("改製事由", reason))))
    return tuple(events)


def build_koseki(
    setting: CitySetting,
    register: KosekiRegister,
    scope: Literal["zenbu", "kojin"],
    selected: Sequence[KosekiMember],
    issue_number: str,
    issue_date: date,
) -> KosekiData:
    """The whole register (全部) or the ``selected`` members (個人)."""
    members = list(register.members)
    chosen = {m.id for m in selected}
    return KosekiData(
        city_name=setting.city_name,
        mayor_name=setting.mayor_name,
        issue_number=issue_number,
        issue_date=issue_date,
        honseki=register.honseki,
        hittosha=register.hittosha,
        koseki_events=register_events(register),
        members=tuple(koseki_person(m) for m in members),
        scope=scope,
        selected=tuple(i for i, m in enumerate(members) if m.id in chosen) if scope == "kojin" else (),
    )
