"""The issuer's settings, rules, member tokens and 利用登録 kinds against a seeded SQLite registry."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session, sessionmaker
from tests.city.issuer.issuer_pki import PKI

from kofu.city.issuer import catalog
from kofu.city.issuer.service import IssuerService
from kofu.city.registry.db import create_schema
from kofu.city.registry.models import CitySetting, DocumentSetting, Resident
from kofu.city.registry.queries import pending_registrations
from kofu.city.registry.seed import SeededPerson, register_card, seed_city
from kofu.documents.text import extract_text
from kofu.protocol.center_gateway import (
    ApplicantCall,
    CityResponse,
    MenuCall,
    OrderCall,
    RegistrationCall,
    RegistrationKeyCall,
)
from kofu.protocol.envelope import envelope_application, open_document, open_members, with_member_labels
from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_center import Menu, OrderRequest
from kofu.storage import make_engine, session_factory

CITY = "132292"
OTHER = "132110"
TODAY = date(2026, 11, 30)  # a Monday
NOON = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
REFUSED_KINDS = {"moved-out", "deceased", "dv-protected", "pending-change"}

Db = sessionmaker[Session]


def _raw(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _serial(person: SeededPerson) -> str:
    return f"{person.resident_id:X}CD"


@pytest.fixture()
def world(tmp_path: Path) -> tuple[Db, list[SeededPerson]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'city.db'}")
    create_schema(engine)
    db = session_factory(engine)
    with db.begin() as session:
        people = seed_city(session, CITY, seed=11, households=16, as_of=TODAY)
        for p in people:
            register_card(session, p.resident_id, _serial(p), f"T-{p.resident_id}")
    return db, people


def _pick(people: list[SeededPerson], trait: str) -> SeededPerson:
    return next(p for p in people if trait in p.traits and not REFUSED_KINDS & set(p.traits) and p.age >= 18)


def _service(db: Db) -> IssuerService:
    return IssuerService(CITY, db, PKI.paths, now=lambda: NOON)


def _menu(db: Db, person: SeededPerson) -> Menu:
    key = X25519PrivateKey.generate()
    request = MenuCall(
        request_id="m",
        city_code=CITY,
        card_serial=_serial(person),
        kiosk_id="K",
        menu_key=_raw(key),
    )
    answer = _service(db).handle(request)
    assert answer.error is None and answer.menu is not None, answer.error
    menu = answer.menu
    if menu.member_envelope is not None:
        menu = with_member_labels(menu, open_members(menu.member_envelope, key, CITY, _serial(person)))
    return menu


def _new_order_id() -> str:
    return secrets.token_hex(16)  # every order of these tests is a new order (the city issues each id once)


def _answer(
    db: Db,
    person: SeededPerson,
    doc: str,
    *,
    copies: int = 1,
    key: X25519PrivateKey | None = None,
    order_id: str | None = None,
    **options: str,
) -> CityResponse:
    """The issuer's answer to one order of ``person``'s card, sealed for ``key`` (a fresh one)."""
    order = OrderRequest(
        city_code=CITY,
        doc=doc,  # type: ignore[arg-type]
        options=options,
        copies=copies,
        kiosk_public_key=_raw(key or X25519PrivateKey.generate()),
        idempotency_key="idem-0001",
    )
    request = OrderCall(
        request_id="o",
        city_code=CITY,
        card_serial=_serial(person),
        kiosk_id="K",
        order_id=order_id or _new_order_id(),
        order=order,
    )
    return _service(db).handle(request)


def _order(db: Db, person: SeededPerson, doc: str, copies: int = 1, **options: str) -> tuple[str, str]:
    key = X25519PrivateKey.generate()
    order_id = _new_order_id()
    answer = _answer(db, person, doc, copies=copies, key=key, order_id=order_id, **options)
    assert answer.order is not None, answer.error
    if answer.order.status == "refused":
        assert answer.order.error is not None
        return "refused", answer.order.error.code
    opened = open_document(answer.order.envelope, key, order_id)  # type: ignore[arg-type]
    return "issued", extract_text(opened.pdf)


def test_member_names_travel_sealed_and_tokens_are_opaque(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    head = next(
        p
        for p in people
        if "household-head" in p.traits
        and "honseki-here" in p.traits
        and not REFUSED_KINDS & set(p.traits)
        and sum(q.household_id == p.household_id for q in people) >= 2
    )
    key = X25519PrivateKey.generate()
    request = MenuCall(
        request_id="m",
        city_code=CITY,
        card_serial=_serial(head),
        kiosk_id="K",
        menu_key=_raw(key),
    )
    sealed = _service(db).handle(request).menu
    assert sealed is not None and sealed.member_envelope is not None
    assert head.name not in sealed.model_dump_json()  # no name in clear: only tokens and ciphertext
    menu = _menu(db, head)
    juminhyo = next(o for o in menu.documents if o.doc == "juminhyo")
    chooser = next(s for s in juminhyo.options if s.name == "members")
    assert chooser.multiple and chooser.enveloped_labels and chooser.shown_when == {"household": "members"}
    assert chooser.choice_labels_ja[0].startswith(head.name)
    other = chooser.choices[1]
    status, text = _order(db, head, "juminhyo", household="members", members=other)
    assert status == "issued"
    other_name = chooser.choice_labels_en[1]
    assert other_name in text and head.name not in text  # 世帯主 left out by default: 省略
    # A token is bound to the card: another card's menu does not accept it.
    stranger = next(
        p
        for p in people
        if p.household_id != head.household_id and p.age >= 18 and not REFUSED_KINDS & set(p.traits)
    )
    assert _order(db, stranger, "juminhyo", household="members", members=other) == (
        "refused",
        "city.member.not_in_household",
    )


def test_a_member_who_left_the_household_since_the_menu_is_not_in_it(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    head = next(
        p
        for p in people
        if "household-head" in p.traits
        and not REFUSED_KINDS & set(p.traits)
        and p.age >= 18
        and sum(q.household_id == p.household_id for q in people) >= 2
    )
    chooser = next(
        s for o in _menu(db, head).documents if o.doc == "juminhyo" for s in o.options if s.name == "members"
    )
    other = chooser.choices[1]
    with db.begin() as session:  # the member moves away between the menu and the order
        leaving = next(
            r
            for r in session.query(Resident).filter_by(household_id=head.household_id, status="active")
            if r.id != head.resident_id and r.name == chooser.choice_labels_en[1]
        )
        leaving.status = "moved_out"
    assert _order(db, head, "juminhyo", household="members", members=f"{chooser.choices[0]},{other}") == (
        "refused",
        "city.member.not_in_household",
    )
    status, text = _order(db, head, "juminhyo", household="members", members=chooser.choices[0])
    assert status == "issued" and head.name in text


def test_settings_apply_to_the_next_menu_and_order(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    person = _pick(people, "honseki-here")
    with db.begin() as session:
        session.get(DocumentSetting, (CITY, "koseki")).offered = False  # type: ignore[union-attr]
        fuhyo = session.get(DocumentSetting, (CITY, "fuhyo"))
        assert fuhyo is not None
        fuhyo.opens_at, fuhyo.closes_at, fuhyo.fee = time(13, 0), time(14, 0), 10
        session.get(CitySetting, CITY).copy_limit = 2  # type: ignore[union-attr]
    menu = _menu(db, person)
    docs = {o.doc: o for o in menu.documents}
    assert "koseki" not in docs
    assert (
        docs["fuhyo"].refusal == "city.document.outside_hours" and docs["fuhyo"].hours == "毎日 13:00–14:00"
    )
    assert docs["juminhyo"].max_copies == 2
    assert _order(db, person, "koseki") == ("refused", "city.document.not_offered")
    assert _order(db, person, "fuhyo") == ("refused", "city.document.outside_hours")
    assert _order(db, person, "juminhyo", copies=3) == ("refused", "order.copies.invalid")
    assert _order(db, person, "juminhyo", copies=2)[0] == "issued"


def test_document_rules_codes(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    assert _order(db, _pick(people, "inkan-abolished"), "inkan") == ("refused", "city.inkan.abolished")
    assert _order(db, _pick(people, "no-inkan"), "inkan") == ("refused", "city.inkan.not_registered")
    declared = _pick(people, "tax-declared")
    assert _order(db, declared, "kazei", fiscal_year="2019") == ("refused", "city.kazei.year_not_offered")
    assert _order(db, _pick(people, "no-tax-declaration"), "kazei") == ("refused", "city.kazei.not_declared")
    assert _order(db, _pick(people, "honseki-elsewhere"), "koseki") == ("refused", "city.koseki.not_found")
    child = next(p for p in people if "under-15" in p.traits and not REFUSED_KINDS & set(p.traits))
    assert _order(db, child, "juminhyo") == ("refused", "city.resident.under_15")


def test_too_long_address_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    person = _pick(people, "tax-declared")
    with db.begin() as session:
        resident = session.get(Resident, person.resident_id)
        assert resident is not None
        resident.household.address.building = "長" * 125
    assert _order(db, person, "juminhyo") == ("refused", "document.too_long")


def test_each_document_type_names_its_subject(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    person = _pick(people, "honseki-here")
    for doc, options in (
        ("juminhyo", {"household": "all", "setainushi": "on", "honseki": "on"}),
        ("koseki", {"scope": "zenbu"}),
        ("koseki", {"scope": "kojin"}),
        ("fuhyo", {"honseki": "on"}),
    ):
        status, text = _order(db, person, doc, **options)
        assert status == "issued", text
        given = person.name.split("\u3000")[-1]
        assert given in text


def test_resolve_options_ignores_options_that_do_not_apply() -> None:
    chooser = catalog.member_option(
        "members", "x", "x", ["aa", "bb"], multiple=True, shown_when={"household": "members"}
    )
    specs = [catalog.HOUSEHOLD, chooser]
    assert catalog.resolve_options(specs, {"household": "self", "members": "zz"}) == {"household": "self"}
    assert catalog.resolve_options(specs, {"household": "members", "members": "aa,bb"})["members"] == "aa,bb"
    with pytest.raises(Refused) as refused:
        catalog.resolve_options(specs, {"household": "members", "members": "aa,zz"})
    assert refused.value.code == "city.member.not_in_household"
    for malformed in ({"household": "members", "members": ""}, {"household": "members", "members": "aa,"}):
        with pytest.raises(Refused) as refused:
            catalog.resolve_options(specs, malformed)
        assert refused.value.code == "order.invalid"
    koseki = [
        catalog.SCOPE,
        catalog.member_option("member", "x", "x", ["kk"], multiple=False, shown_when={"scope": "kojin"}),
    ]
    with pytest.raises(Refused) as refused:  # a register member is not a household member
        catalog.resolve_options(koseki, {"scope": "kojin", "member": "zz"})
    assert refused.value.code == "order.invalid"


def test_registration_kinds_record_a_pending_application(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    service = _service(db)
    member = _pick(people, "honseki-here")
    serial = "ABCDEF0123"
    base = {"city_code": CITY, "card_serial": serial, "kiosk_id": "K"}
    key = service.handle(RegistrationKeyCall(request_id="k", **base)).public_key  # type: ignore[arg-type]
    assert key is not None and key == service.keys.application_public_key
    # The residence city (here the same database plays it) seals the holder's name and birth date.
    applicant_card = _serial(member)
    sealed = service.handle(
        ApplicantCall(
            request_id="a",
            city_code=CITY,
            card_serial=applicant_card,
            kiosk_id="K",
            recipient_key=key,
            other_city=CITY,
        )
    ).envelope
    assert sealed is not None and member.name.encode() not in sealed
    application = envelope_application(member.honseki or "", member.hittosha or "", key, CITY, applicant_card)
    answer = service.handle(
        RegistrationCall(
            request_id="r",
            city_code=CITY,
            card_serial=applicant_card,
            kiosk_id="K",
            application=application,
            applicant=sealed,
            other_city=OTHER,
        )
    )
    assert answer.error is None and answer.registration is not None
    assert answer.registration.status == "pending"
    with db() as session:
        (pending,) = pending_registrations(session)
        assert pending.applicant_name == member.name and pending.residence_city_code == OTHER
    # Opened for another card, the application does not open.
    wrong = service.handle(
        RegistrationCall(
            request_id="w",
            city_code=CITY,
            card_serial=serial,
            kiosk_id="K",
            application=application,
            applicant=sealed,
            other_city=OTHER,
        )
    )
    assert wrong.error is not None and wrong.error.code == "protocol.envelope"


def test_a_character_no_font_has_is_render_failed_not_a_blank(world) -> None:  # type: ignore[no-untyped-def]
    db, people = world
    person = _pick(people, "tax-declared")
    with db.begin() as session:
        resident = session.get(Resident, person.resident_id)
        assert resident is not None
        resident.given_name += "\ue000"  # a municipal 外字 (private use): no kiosk can print it
    answer = _answer(db, person, "juminhyo")
    assert answer.order is None and answer.error is not None
    assert (answer.error.code, answer.error.kind, answer.error.detail) == (
        "document.render_failed",
        "error",
        "document.invalid",
    )


def test_a_rendered_page_without_its_issue_number_is_render_failed(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kofu.documents.issue as service_module  # where the order's document is rendered

    db, people = world
    person = _pick(people, "tax-declared")
    real_render = service_module.render_document

    def misnumbered(doc: str, data: Any) -> Any:  # a renderer that prints another issue number
        return real_render(doc, replace(data, issue_number="1999-999999"))

    monkeypatch.setattr(service_module, "render_document", misnumbered)
    answer = _answer(db, person, "juminhyo")
    assert answer.error is not None and answer.error.code == "document.render_failed"
    assert answer.error.detail == "a page does not carry the issue number"
    monkeypatch.setattr(service_module, "render_document", real_render)
    assert _order(db, person, "juminhyo")[0] == "issued"
