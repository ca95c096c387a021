"""The issuer against a real (SQLite) registry: menu, order, refusals, the sealed result."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session, sessionmaker
from tests.city.issuer.issuer_pki import PKI

from kofu.city.issuer.service import IssuerService
from kofu.city.registry.db import create_schema
from kofu.city.registry.models import Issuance
from kofu.city.registry.seed import SeededPerson, register_card, seed_city
from kofu.documents.text import extract_text
from kofu.protocol.center_gateway import MenuCall, OrderCall
from kofu.protocol.envelope import open_document, order_binding
from kofu.protocol.kiosk_center import OrderRequest
from kofu.storage import make_engine, session_factory

CITY = "132292"
TODAY = date(2026, 11, 29)
NOON = datetime(2026, 11, 29, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def _service(db, city: str = CITY) -> IssuerService:  # type: ignore[no-untyped-def]
    return IssuerService(city, db, PKI.paths, now=lambda: NOON)


@pytest.fixture(scope="module")
def registry(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[sessionmaker[Session], dict[str, SeededPerson]]:
    path: Path = tmp_path_factory.mktemp("city") / "city.db"
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    db = session_factory(engine)
    with db.begin() as session:
        people = seed_city(session, CITY, seed=7, households=8, as_of=TODAY)
        picked: dict[str, SeededPerson] = {}
        for person in people:
            if person.age < 18:
                continue
            kind = next(
                (
                    t
                    for t in ("moved-out", "deceased", "dv-protected", "pending-change")
                    if t in person.traits
                ),
                None,
            )
            key = kind or ("head" if "household-head" in person.traits else "member")
            if key not in picked:
                picked[key] = person
                register_card(
                    session, person.resident_id, f"{person.resident_id:X}AB", f"T-{person.resident_id}"
                )
    return db, picked


def _serial(person: SeededPerson) -> str:
    return f"{person.resident_id:X}AB"


def _order(person: SeededPerson, key: X25519PrivateKey, **options: str) -> OrderCall:
    order = OrderRequest(
        city_code=CITY,
        doc="juminhyo",
        options=options,
        copies=2,
        kiosk_public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        idempotency_key="idem-0001",
    )
    return OrderCall(
        request_id="r1",
        city_code=CITY,
        card_serial=_serial(person),
        kiosk_id="K0001",
        order_id=secrets.token_hex(16),
        order=order,
    )


def test_order_is_sealed_for_the_kiosk_and_bound_to_order_and_card(registry) -> None:  # type: ignore[no-untyped-def]
    db, people = registry
    head = people["head"]
    key = X25519PrivateKey.generate()
    service = IssuerService(CITY, db, PKI.paths, today=lambda: TODAY, now=lambda: NOON)
    request = _order(head, key, household="all")
    answer = service.handle(request)
    assert answer.error is None and answer.order is not None and answer.order.status == "issued"
    assert answer.order.fee_total == 400
    opened = open_document(answer.order.envelope, key, request.order_id)  # type: ignore[arg-type]
    assert opened.header.binding == order_binding(request.order_id, _serial(head), "juminhyo", 2)
    assert opened.header.issue_number.startswith(f"{TODAY.year}-")  # the year of its date
    assert head.name in extract_text(opened.pdf)
    # The same order delivered again (a lapsed lease, a retry): the same document, the same number.
    again = service.handle(request.model_copy(update={"request_id": "r2"}))
    assert again.order is not None and again.order.envelope == answer.order.envelope
    with db() as session:
        (row,) = session.query(Issuance).all()
        assert (row.order_id, row.issue_number, row.sealed_at is not None) == (
            request.order_id,
            opened.header.issue_number,
            True,
        )


def test_menu_lists_juminhyo_with_its_options(registry) -> None:  # type: ignore[no-untyped-def]
    db, people = registry
    request = MenuCall(request_id="m", city_code=CITY, card_serial=_serial(people["head"]), kiosk_id="K")
    menu = _service(db).handle(request).menu
    assert menu is not None and menu.city_name == "西東京市"
    offer = next(o for o in menu.documents if o.doc == "juminhyo")
    assert offer.fee == 200 and offer.max_copies == 10
    # Without a kiosk menu key there is no member chooser (names could not travel sealed).
    assert {o.name for o in offer.options} >= {"household", "setainushi", "honseki"}
    assert "members" not in {o.name for o in offer.options}
    assert menu.member_envelope is None


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("moved-out", "city.resident.moved_out"),
        ("deceased", "city.resident.deceased"),
        ("dv-protected", "city.resident.dv_protected"),
        ("pending-change", "city.resident.pending_change"),
    ],
)
def test_refusals_carry_their_code(registry, kind, code) -> None:  # type: ignore[no-untyped-def]
    db, people = registry
    answer = _service(db).handle(_order(people[kind], X25519PrivateKey.generate()))
    assert answer.order is not None and answer.order.status == "refused"
    assert answer.order.error is not None and answer.order.error.code == code
    assert answer.order.envelope is None


def test_unknown_card_option_and_city(registry) -> None:  # type: ignore[no-untyped-def]
    db, people = registry
    service = _service(db)
    stranger = SeededPerson(resident_id=999999, name="", city_code=CITY, age=40, traits=())
    answer = service.handle(_order(stranger, X25519PrivateKey.generate()))
    assert answer.order is not None and answer.order.error is not None
    assert answer.order.error.code == "city.resident.not_found"
    bad = service.handle(_order(people["head"], X25519PrivateKey.generate(), household="neighbours"))
    assert bad.order is not None and bad.order.error is not None and bad.order.error.code == "order.invalid"
    wrong_city = _service(db, "132110").handle(_order(people["head"], X25519PrivateKey.generate()))
    assert wrong_city.error is not None and wrong_city.error.code == "protocol.wrong_city"
