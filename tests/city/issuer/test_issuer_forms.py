"""The standard forms from live registry rows: what the issuer maps, prints and refuses."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.city.issuer.issuer_pki import PKI

from kofu.city.issuer.mapping.fuhyo import build_fuhyo
from kofu.city.issuer.mapping.juminhyo import build_juminhyo
from kofu.city.issuer.mapping.kazei import build_kazei
from kofu.city.issuer.mapping.koseki import build_koseki, mibun_event
from kofu.city.issuer.service import IssuerService
from kofu.city.registry.db import create_schema
from kofu.city.registry.models import (
    CitySetting,
    FuhyoEntry,
    KosekiEvent,
    KosekiMember,
    KosekiRegister,
    Resident,
    SealImpression,
    SealRegistration,
    TaxRecord,
)
from kofu.city.registry.queries import fuhyo_for_register
from kofu.city.registry.seed import SeededPerson, register_card, seed_city
from kofu.documents import extract_text, page_texts, render
from kofu.documents.koseki import NO_NOTICE_DATE, ZOKUGARA
from kofu.protocol.center_gateway import OrderCall
from kofu.protocol.envelope import open_document
from kofu.protocol.kiosk_center import OrderRequest
from kofu.storage import make_engine, session_factory

CITY = "132292"
TODAY = date(2026, 11, 30)
NOON = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
REFUSED_KINDS = {"moved-out", "deceased", "dv-protected", "pending-change"}

Db = sessionmaker[Session]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Db, list[SeededPerson]]:
    path: Path = tmp_path_factory.mktemp("forms") / "city.db"
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    db = session_factory(engine)
    with db.begin() as session:
        people = seed_city(session, CITY, seed=23, households=40, as_of=TODAY)
        for p in people:
            register_card(session, p.resident_id, _serial(p), f"F-{p.resident_id}")
    return db, people


def _serial(person: SeededPerson) -> str:
    return f"{person.resident_id:X}EF"


def _order(db: Db, person: SeededPerson, doc: str, **options: str) -> tuple[str, str]:
    key = X25519PrivateKey.generate()
    order = OrderRequest(
        city_code=CITY,
        doc=doc,  # type: ignore[arg-type]
        options=options,
        copies=1,
        kiosk_public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        idempotency_key=f"idem-{person.resident_id:04d}-{doc}",
    )
    call = OrderCall(
        request_id="o",
        city_code=CITY,
        card_serial=_serial(person),
        kiosk_id="K",
        order_id=secrets.token_hex(16),  # a new order each time (the city issues each id once)
        order=order,
    )
    answer = IssuerService(CITY, db, PKI.paths, now=lambda: NOON).handle(call)
    assert answer.order is not None, answer.error
    if answer.order.status == "refused":
        assert answer.order.error is not None
        return "refused", answer.order.error.code
    opened = open_document(answer.order.envelope, key, call.order_id)  # type: ignore[arg-type]
    return "issued", extract_text(opened.pdf)


def _setting(session: Session) -> CitySetting:
    setting = session.get(CitySetting, CITY)
    assert setting is not None
    return setting


# --- 住民票 ----------------------------------------------------------------------------------


def test_the_address_defined_date_is_printed_only_for_a_move_within_the_city(world) -> None:  # type: ignore[no-untyped-def]
    db, _ = world
    with db() as session:
        residents = session.scalars(select(Resident).where(Resident.status == "active")).all()
        stayed = next(r for r in residents if r.address_defined_date == r.became_resident_date)
        moved = next(r for r in residents if r.address_defined_date != r.became_resident_date)
        setting = _setting(session)
        for resident, blank in ((stayed, True), (moved, False)):
            data = build_juminhyo(setting, resident, [resident], {}, "00000001", TODAY)
            person = data.members[0]
            assert (person.address_defined_date is None) == blank
            assert (person.previous_address is None) == blank
            assert person.notified_date == resident.notified_on is not None
            text = extract_text(render("juminhyo", data))
            shown = re.search(r"住所を定めた年月日 (\S*) ?届出日", text)
            assert shown is not None
            assert (shown.group(1) == "") == blank, text
            if not blank:
                assert f"異動前住所 {resident.previous_address}" in text


def test_a_household_of_five_or_more_takes_a_sheet_for_every_four(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    sizes: dict[int, int] = {}
    for p in people:
        if p.traits and not REFUSED_KINDS & set(p.traits):
            sizes[p.household_id] = sizes.get(p.household_id, 0) + 1
    household = max(sizes, key=lambda h: sizes[h])
    head = next(p for p in people if p.household_id == household and "household-head" in p.traits)
    status, text = _order(db, head, "juminhyo", household="all", setainushi="on")
    assert status == "issued", text
    count = sizes[household]
    assert count >= 5  # the seeded city has such a household
    sheets = -(-count // 4)
    assert text.count("氏名") == count
    assert f"{sheets}/{sheets}" in text and f"1/{sheets}" in text


# --- 戸籍 -------------------------------------------------------------------------------------


def test_every_seeded_register_prints_register_words_for_every_zokugara(world) -> None:  # type: ignore[no-untyped-def]
    db, _ = world
    with db() as session:
        setting = _setting(session)
        registers = session.scalars(select(KosekiRegister)).all()
        assert len(registers) > 20
        for register in registers:
            data = build_koseki(setting, register, "zenbu", [], "00000001", TODAY)
            text = "".join(page_texts(render("koseki", data)))
            words = re.findall(r"【続柄】(\S+)", text)
            adopted = sum(1 for m in register.members if m.adoptive_father_name or m.adoptive_mother_name)
            assert len(words) == len(register.members) + adopted
            assert all(ZOKUGARA.match(w) or w in ("養子", "養女") for w in words), words
            for member in register.members:
                if member.is_hittosha or member.spouse_kind:
                    assert member.father_name and member.mother_name


def test_no_seeded_entry_of_a_kind_without_a_notice_date_carries_one(world) -> None:  # type: ignore[no-untyped-def]
    db, _ = world
    with db() as session:
        events = session.scalars(select(KosekiEvent)).all()
        kinds = {e.kind for e in events}
        assert {"婚姻", "出生"} <= kinds
        for event in events:
            fields = dict(mibun_event(event, event.member).fields)
            assert ("届出日" in fields) == (
                event.kind not in NO_NOTICE_DATE and event.kind in ("出生", "死亡")
            )


def _member(given: str, family: str = "架空", sex: str = "女") -> KosekiMember:
    return KosekiMember(family_name=family, given_name=given, sex=sex)


def _event(kind: str, counterpart: str, new: str) -> KosekiEvent:
    return KosekiEvent(kind=kind, event_on=date(2010, 4, 1), counterpart_name=counterpart, new_register=new)


def test_a_divorced_spouse_returns_to_the_register_she_came_from_or_founds_her_own() -> None:
    wife = _member("花子")
    back = mibun_event(_event("離婚", "架空\u3000太郎", "架空県見本市本町1番地\u3000模擬\u3000勝"), wife)
    assert ("入籍戸籍", "架空県見本市本町1番地\u3000模擬\u3000勝") in back.fields
    own = mibun_event(
        _event("離婚", "架空\u3000太郎", "東京都西東京市田無町一丁目1番地\u3000架空\u3000花子"), wife
    )
    assert ("新本籍", "東京都西東京市田無町一丁目1番地") in own.fields
    assert all(label != "入籍戸籍" for label, _ in own.fields)


def test_a_marriage_that_makes_a_register_names_its_new_honseki_and_the_surname_taken() -> None:
    bride = _member("花子", family="模擬")
    new = _event("婚姻", "架空\u3000太郎", "東京都西東京市田無町一丁目1番地\u3000架空\u3000太郎")
    fields = dict(mibun_event(new, bride).fields)
    assert fields["新本籍"] == "東京都西東京市田無町一丁目1番地" and fields["称する氏"] == "夫の氏"
    groom = _member("太郎", sex="男")
    assert dict(mibun_event(new, groom).fields)["称する氏"] == "夫の氏"
    existing = _event("婚姻", "見本\u3000大輔", "架空県見本市本町7番地\u3000見本\u3000一郎")
    assert ("入籍戸籍", "架空県見本市本町7番地\u3000見本\u3000一郎") in mibun_event(existing, bride).fields


def test_the_register_prints_the_name_furigana_recorded_since_2025(world) -> None:  # type: ignore[no-untyped-def]
    db, _ = world
    with db() as session:
        setting = _setting(session)
        register = next(r for r in session.scalars(select(KosekiRegister)) if r.family_kana)
        text = "".join(page_texts(render("koseki", build_koseki(setting, register, "zenbu", [], "1", TODAY))))
        assert f"【氏の振り仮名】{register.family_kana}" in text
        for member in register.members:
            assert (f"【名】{member.given_name}\n【名の振り仮名】{member.given_kana}" in text) == bool(
                member.given_kana
            )
            if member.given_kana is None:
                assert member.removed_on is not None and member.removed_on < date(2026, 5, 26)


# --- 戸籍の附票 ------------------------------------------------------------------------------


def test_the_fuhyo_covers_each_member_from_the_register_start_without_gaps(world) -> None:  # type: ignore[no-untyped-def]
    db, _ = world
    with db() as session:
        setting = _setting(session)
        checked = 0
        for register in session.scalars(select(KosekiRegister)):
            entries = fuhyo_for_register(session, register.id)
            data = build_fuhyo(setting, register, entries, True, "00000001", TODAY)
            text = extract_text(render("fuhyo", data))
            flat = re.sub(r"\s", "", text)  # a long address wraps
            assert ("改製日" in text) == (register.kaisei_on is not None)
            assert ("編製日" in text) == (register.kaisei_on is None)
            for member, person in zip(register.members, data.members, strict=True):
                start = max(_entered(member), register.kaisei_on or date.min)
                end = member.removed_on
                if end is not None and end < start:
                    assert person.addresses == ()
                    continue
                assert person.addresses and person.addresses[0].defined_date <= start, member.id
                days = [a.defined_date for a in person.addresses]
                assert days == sorted(days)
                for line in person.addresses:
                    assert re.sub(r"\s", "", line.address) in flat
                checked += 1
            stored = session.scalars(select(FuhyoEntry).where(FuhyoEntry.koseki_id == register.id)).all()
            assert sum(len(p.addresses) for p in data.members) == len(stored)
        assert checked > 40


def _entered(member: KosekiMember) -> date:
    for event in member.events:
        if event.kind in ("婚姻", "離婚", "分籍", "養子縁組") and event.previous_register:
            return event.event_on
    return member.birth_date


# --- 印鑑登録証明書 --------------------------------------------------------------------------


def test_a_seal_that_shows_no_printed_name_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    person = next(
        p
        for p in people
        if "inkan-registered" in p.traits
        and "foreign-resident" not in p.traits
        and not REFUSED_KINDS & set(p.traits)
    )
    assert _order(db, person, "inkan")[0] == "issued"
    with db.begin() as session:
        registration = session.scalars(
            select(SealRegistration).where(
                SealRegistration.resident_id == person.resident_id, SealRegistration.status == "active"
            )
        ).one()
        registration.impression = SealImpression("round", 15.0, (("旧", "姓"),)).to_json()
    assert _order(db, person, "inkan") == ("refused", "city.inkan.name_mismatch")


def test_a_seal_registered_in_the_tsusho_prints_the_tsusho(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    person = next(
        p for p in people if "tsusho" in p.traits and p.age >= 18 and not REFUSED_KINDS & set(p.traits)
    )
    with db.begin() as session:
        resident = session.get(Resident, person.resident_id)
        assert resident is not None and resident.alias_name
        for old in session.scalars(
            select(SealRegistration).where(SealRegistration.resident_id == resident.id)
        ):
            old.status, old.abolished_on = "abolished", date(2026, 1, 5)
        session.flush()
        alias_family = resident.alias_name.split("\u3000")[0]
        session.add(
            SealRegistration(
                resident_id=resident.id,
                registration_number="T0000001",
                registered_on=date(2026, 1, 6),
                impression=SealImpression("round", 13.5, (tuple(alias_family),)).to_json(),
            )
        )
        alias, katakana = resident.alias_name, resident.katakana_name
    status, text = _order(db, person, "inkan")
    assert status == "issued", text
    assert "通称" in text and alias.replace("\u3000", " ") in text.replace("\u3000", " ")
    assert ("カタカナ併記名" in text) == bool(katakana)


# --- 課税・非課税証明書 ----------------------------------------------------------------------


def test_the_tax_certificate_maps_the_levy_date_address_breakdown_statuses_and_forest_tax(world) -> None:  # type: ignore[no-untyped-def]
    db, _ = world
    with db() as session:
        setting = _setting(session)
        records = session.scalars(
            select(TaxRecord).where(TaxRecord.declared, TaxRecord.fiscal_year == 2026)
        ).all()
        assert records
        for record in records:
            data = build_kazei(setting, record.resident, record, "00000001", TODAY)
            assert data.address == record.jan1_address
            assert data.dependants.total == record.dependants
            assert data.statuses == (record.widow, record.single_parent, record.disabled)
            assert data.forest_env_tax == (0 if record.non_taxable else 1_000)
        record = next(r for r in records if not r.non_taxable)
        text = extract_text(render("kazei", build_kazei(setting, record.resident, record, "1", TODAY)))
        assert text.splitlines()[1] == "課税証明書"
        assert f"住所（令和8年1月1日現在） {record.jan1_address}" in text.replace("\u3000", " ")
        assert "森林環境税 1,000 1,000" in text
