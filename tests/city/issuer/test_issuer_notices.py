"""The issuer's 本人通知 and head exchange, on a real registry database (no chain).

A 住民票 of the whole household is issued to its head; the head sees it as theirs, a member of the
household sees it as naming them, a resident of another household sees nothing; each answer opens
only with the key it was sealed for. The heads request keeps the centre's head once it verifies
and answers with the city's own, signed with its seal key.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session, sessionmaker
from tests.city.issuer.issuer_pki import PKI
from tests.city.issuer.test_issuer_service import _order, _serial

from kofu.city.issuer import history as city_log
from kofu.city.issuer.service import IssuerService
from kofu.city.registry.db import create_schema
from kofu.city.registry.seed import SeededPerson, register_card, seed_city
from kofu.history import log
from kofu.ledger import MerkleTree, SignedTreeHead, head_of, sign_head, verify_head
from kofu.pki.seal import load_seal
from kofu.pki.trust import load_signer
from kofu.protocol.center_gateway import HeadsCall, NoticeCall
from kofu.protocol.envelope import open_notices
from kofu.protocol.errors import ProtocolViolation
from kofu.storage import make_engine, session_factory

CITY = "132292"
TODAY = date(2026, 11, 29)
NOON = datetime(2026, 11, 29, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[sessionmaker[Session], list[SeededPerson]]:
    path: Path = tmp_path_factory.mktemp("city") / "city.db"
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    db = session_factory(engine)
    with db.begin() as session:
        people = seed_city(session, CITY, seed=11, households=4, as_of=TODAY)
        plain = [p for p in people if p.age >= 18 and not {"moved-out", "deceased", "dv-protected",
                 "pending-change", "long-address"} & set(p.traits)]  # fmt: skip
        head = next(p for p in plain if "household-head" in p.traits
                    and any(q.household_id == p.household_id and q is not p for q in plain))  # fmt: skip
        member = next(q for q in plain if q.household_id == head.household_id and q is not head)
        stranger = next(q for q in plain if q.household_id != head.household_id)
        for person in (head, member, stranger):
            register_card(session, person.resident_id, _serial(person), f"T-{person.resident_id}")
    return db, [head, member, stranger]


def _notices(service: IssuerService, person: SeededPerson) -> list[dict[str, str]]:
    key = X25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    answer = service.handle(NoticeCall(request_id="n1", city_code=CITY, card_serial=_serial(person),
                                       kiosk_id="K0001", notice_key=raw))  # fmt: skip
    assert answer.error is None and answer.envelope is not None, answer.error
    with pytest.raises(ProtocolViolation):  # for this card and this key only
        open_notices(answer.envelope, X25519PrivateKey.generate(), CITY, _serial(person))
    return open_notices(answer.envelope, key, CITY, _serial(person))


def test_each_resident_sees_only_what_names_them(world) -> None:  # type: ignore[no-untyped-def]
    db, (head, member, stranger) = world
    with time_machine.travel(NOON, tick=False):
        service = IssuerService(CITY, db, PKI.paths, today=lambda: TODAY, now=lambda: NOON)
        answer = service.handle(_order(head, X25519PrivateKey.generate(), household="all"))
        assert answer.order is not None and answer.order.status == "issued", answer
        (mine,) = _notices(service, head)
        assert (mine["date"], mine["doc"], mine["as"], mine["store"]) == (
            "2026-11-29",
            "juminhyo",
            "holder",
            "K0001",
        )
        assert mine["title"] == "住民票の写し" and mine["city"]
        assert mine["kiosk"] == "K0001"  # the kiosk it was ordered at; kiosks name the store
        (named,) = _notices(service, member)
        assert named["as"] == "named"
        assert _notices(service, stranger) == []
    with time_machine.travel(datetime(2027, 12, 1, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")), tick=False):
        assert _notices(service, head) == []  # older than 12 months


def test_heads_are_exchanged_and_checked(world) -> None:  # type: ignore[no-untyped-def]
    db, _people = world
    service = IssuerService(CITY, db, PKI.paths, today=lambda: TODAY, now=lambda: NOON)
    center_key = load_signer(PKI.paths)[0]
    center_head = sign_head(center_key, head_of("center", MerkleTree([b"\x00" * 32])))
    answer = service.handle(HeadsCall(request_id="h1", city_code=CITY, center_head=center_head.to_json()))
    assert answer.error is None and answer.head is not None
    city_head = SignedTreeHead.from_json(answer.head)
    verify_head(load_seal(PKI.paths, CITY)[1].public_key(), city_head, log_id=city_log.log_id(CITY))  # type: ignore[arg-type]
    with db() as session:
        assert log.heads(session, city_log.table(CITY).heads, "center") == [center_head]
    forged = sign_head(load_seal(PKI.paths, CITY)[0], head_of("center", MerkleTree()))
    refused = service.handle(HeadsCall(request_id="h2", city_code=CITY, center_head=forged.to_json()))
    assert refused.error is not None and refused.error.code == "history.head.invalid"


def test_an_outcome_for_an_order_not_yet_issued_is_answered_unknown(tmp_path: Path) -> None:
    """The centre tells the city how orders ended; those the log has no row for are named, so that
    the centre tells again once a late re-delivery of the request has been issued."""
    from kofu.protocol.center_gateway import OutcomeCall

    engine = make_engine(f"sqlite:///{tmp_path / 'city.db'}")
    create_schema(engine)
    db = session_factory(engine)
    with db.begin() as session:
        people = seed_city(session, CITY, seed=5, households=4, as_of=TODAY)
        refused = {"moved-out", "deceased", "dv-protected", "pending-change", "long-address"}
        adult = next(p for p in people if p.age >= 18 and not refused & set(p.traits))
        register_card(session, adult.resident_id, _serial(adult), f"T-{adult.resident_id}")
    with time_machine.travel(NOON, tick=False):
        service = IssuerService(CITY, db, PKI.paths, today=lambda: TODAY, now=lambda: NOON)
        issued = service.handle(_order(adult, X25519PrivateKey.generate()))
        assert issued.order is not None and issued.order.status == "issued", issued
        order_id = issued.order.order_id
        told = service.handle(
            OutcomeCall(
                request_id="o1", city_code=CITY, outcomes={order_id: "printed", "e" * 32: "cancelled"}
            )
        )
    engine.dispose()
    assert (told.error, told.recorded, told.unknown) == (None, 1, ["e" * 32])
