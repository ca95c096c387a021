"""戸籍全部事項 / 個人事項証明書: a register kept here as KosekiData."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from kofu.city.issuer.mapping import issued
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
#: Entries with a 届出日 and 届出人 of their own. A 婚姻, 離婚, 縁組, 認知 or 分籍 takes effect on the
#: day it is notified, so its own date says it (戸籍法施行規則 付録第二十五号 記載例).
_NOTIFIED = ("出生", "死亡")
#: The day the 氏名の振り仮名 of a register nobody notified was recorded by the city (令和5年法律第48号
#: 附則: one year after 2025-05-26); any other day is the day of a notice.
FURIGANA_BY_LAW = date(2026, 5, 26)


def _full_name(member: KosekiMember) -> str:
    return f"{member.family_name}\u3000{member.given_name}"


def _destination(event: KosekiEvent, member: KosekiMember) -> list[tuple[str, FieldValue]]:
    """Where an event took the member: 【新本籍】 (a register made for them that day, its 本籍
    only, with the 氏 the couple took) or 【入籍戸籍】 (a register that already existed)."""
    label = event.new_register or ""
    honseki, _, hittosha = label.partition("\u3000")
    own = hittosha == _full_name(member)
    if event.kind == "分籍" or (event.kind == "離婚" and own):
        return [("新本籍", honseki)]
    if event.kind == "婚姻" and (own or hittosha == event.counterpart_name):
        husband_first = own == (member.sex == "男")
        return [("新本籍", honseki), ("称する氏", "夫の氏" if husband_first else "妻の氏")]
    return [("入籍戸籍", label)]


def mibun_event(event: KosekiEvent, member: KosekiMember | None = None) -> MibunEvent:
    """One 身分事項 with its labelled fields, in print order."""
    day, place, counterpart = _LABELS.get(event.kind, (f"{event.kind}日", "", ""))
    fields: list[tuple[str, FieldValue]] = [(day, event.event_on)]
    if place and event.place:
        fields.append((place, event.place))
    if event.kind in _NOTIFIED:
        if event.reported_on is not None:
            fields.append(("届出日", event.reported_on))
        if event.reporter:
            fields.append(("届出人", event.reporter))
    if counterpart and event.counterpart_name:
        fields.append((counterpart, event.counterpart_name))
    if event.previous_register:
        fields.append(("従前戸籍", event.previous_register))
    if event.new_register:
        if member is None:
            fields.append(("入籍戸籍", event.new_register))
        else:
            fields += _destination(event, member)
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
        events=tuple(mibun_event(e, member) for e in member.events),
        removed=member.removed,
        name_kana=member.given_kana,
    )


def register_events(register: KosekiRegister) -> tuple[MibunEvent, ...]:
    """戸籍事項: 編製, 改製 (for registers made on paper), and the 氏の振り仮名 once recorded."""
    events = [MibunEvent("戸籍編製", (("編製日", register.hensei_on),))]
    if register.kaisei_on is not None:
        reason = "平成6年法務省令第51号附則第2条第1項による改製"
        events.append(MibunEvent("戸籍改製", (("改製日", register.kaisei_on), ("改製事由", reason))))
    if register.family_kana and register.kana_recorded_on is not None:
        day = "記録日" if register.kana_recorded_on == FURIGANA_BY_LAW else "届出日"
        events.append(
            MibunEvent(
                "氏の振り仮名", (("氏の振り仮名", register.family_kana), (day, register.kana_recorded_on))
            )
        )
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
        **issued(setting, issue_number, issue_date),
        honseki=register.honseki,
        hittosha=register.hittosha,
        koseki_events=register_events(register),
        members=tuple(koseki_person(m) for m in members),
        scope=scope,
        selected=tuple(i for i, m in enumerate(members) if m.id in chosen) if scope == "kojin" else (),
    )
