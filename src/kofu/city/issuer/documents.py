"""One order's document data: the rules of its type on live rows, then the mapping.

``prepare`` runs inside the order's transaction: every row it reads (the seal registration,
the tax record, the household, the register) is read there, so what is printed is what the
registry says at that moment. It returns the data to render and the names the rendered text
must show (and, for a 住民票, the household members it must not show).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy.orm import Session

from kofu.city.issuer.eligibility import check_household, check_seal, check_tax
from kofu.city.issuer.mapping.fuhyo import build_fuhyo
from kofu.city.issuer.mapping.inkan import build_inkan
from kofu.city.issuer.mapping.juminhyo import build_juminhyo
from kofu.city.issuer.mapping.kazei import build_kazei
from kofu.city.issuer.mapping.koseki import build_koseki
from kofu.city.issuer.subject import Options, Subject
from kofu.city.registry.models import CitySetting, KosekiMember, Resident
from kofu.city.registry.queries import fuhyo_for_register
from kofu.documents.juminhyo import JuminhyoData
from kofu.documents.render import DocumentData
from kofu.protocol.errors import Refused
from kofu.telemetry.tracing import traced


@dataclass
class Prepared:
    """What to render, and what the rendered text must (not) name."""

    data: DocumentData
    expected: list[str]
    absent: list[str] = field(default_factory=list)


@traced("issuer.prepare")
def prepare(
    session: Session,
    doc: str,
    subject: Subject,
    setting: CitySetting,
    options: dict[str, str],
    choices: Options,
    issue_number: str,
    today: date,
) -> Prepared:
    """Check the document's own rules and build its data (see the module docstring)."""
    if doc == "juminhyo":
        holder = subject.resident
        assert holder is not None
        members = _household_members(subject, options, choices)
        check_household(holder, members)
        data = build_juminhyo(setting, holder, members, options, issue_number, today)
        return Prepared(data, [m.name for m in members], _not_printed(subject, members, data))
    if doc == "inkan":
        assert subject.resident is not None
        registration = check_seal(session, subject.resident)
        inkan = build_inkan(setting, subject.resident, registration, issue_number, today)
        return Prepared(inkan, [subject.resident.name])
    if doc == "kazei":
        assert subject.resident is not None
        record = check_tax(session, setting, subject.resident, int(options["fiscal_year"]))
        return Prepared(
            build_kazei(setting, subject.resident, record, issue_number, today), [subject.resident.name]
        )
    if subject.register is None:
        raise Refused("city.koseki.not_found")
    register = subject.register
    if doc == "koseki":
        scope: Literal["zenbu", "kojin"] = "kojin" if options.get("scope") == "kojin" else "zenbu"
        chosen: list[KosekiMember] = []
        if scope == "kojin":
            chosen = [choices.members[options["member"]]]
        shown = chosen if scope == "kojin" else list(register.members)
        koseki = build_koseki(setting, register, scope, chosen, issue_number, today)
        return Prepared(koseki, [register.hittosha, *(m.given_name for m in shown)])
    entries = fuhyo_for_register(session, register.id)
    include_honseki = options.get("honseki") == "on"
    fuhyo = build_fuhyo(setting, register, entries, include_honseki, issue_number, today)
    if include_honseki:  # the register's 氏 is in the 筆頭者's name; each member by 名
        return Prepared(fuhyo, [register.hittosha, *(m.given_name for m in register.members)])
    return Prepared(fuhyo, [m.name for m in register.members])


def _household_members(subject: Subject, options: dict[str, str], choices: Options) -> list[Resident]:
    """The members a 住民票 is ordered for: the whole household, the chosen ones or the holder."""
    mode = options.get("household", "self")
    if mode == "all":
        return list(subject.household)  # the 世帯主 first, as household_members orders them
    if mode == "members":
        wanted = {choices.residents[token].id for token in options["members"].split(",")}
        return [r for r in subject.household if r.id in wanted]
    assert subject.resident is not None
    return [subject.resident]


def _not_printed(subject: Subject, members: list[Resident], data: JuminhyoData) -> list[str]:
    """The names of the household members not chosen, which the 住民票 must not show (unless one
    is printed anyway, as the 世帯主 or a 筆頭者)."""
    chosen = {m.id for m in members}
    printed_anyway = {data.setainushi} if data.include_setainushi_zokugara else set()
    if data.include_honseki:
        printed_anyway |= {m.hittosha for m in members if m.hittosha}
    return [r.name for r in subject.household if r.id not in chosen and r.name not in printed_anyway]
