"""The centre's order path against a stand-in gateway: one order per card session, outcomes that
only move forward, stops that need proof, the sweep that closes what a crash left open.

The gateway is httpx's MockTransport answering as a city would (UNIT-TEST STAND-IN: no TLS, no
issuer); the database is a real SQLite file migrated by the centre's chain.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import time_machine
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import select
from tests.aio import run as _run
from tests.peers import as_peer

from kofu import clock
from kofu.center import routing, stops
from kofu.center.app import create_app
from kofu.center.auth import CardSession, CardVerifier, SessionSealer, issue_challenge
from kofu.center.models import City, CityEvent, Order
from kofu.center.outcomes import SWEPT
from kofu.center.service import CenterService
from kofu.center.sweeper import Sweeper
from kofu.pki.seal import load_seal
from kofu.pki.tls import Peer
from kofu.pki.trust import seal_kid
from kofu.protocol import kiosk_center as link
from kofu.protocol.center_gateway import (
    CityResponse,
    MenuCall,
    OrderCall,
    OutcomeCall,
    StatusCall,
    Submission,
)
from kofu.protocol.errors import AuthFailed, Busy, Conflict, KofuError, Problem, ProtocolViolation, Refused
from kofu.protocol.header import DocumentHeader, HeaderSigner, order_binding
from kofu.protocol.kiosk_center import (
    SESSION_HEADER,
    Abandoned,
    Menu,
    MenuRequest,
    MisissuanceProof,
    OrderOutcome,
    OrderRequest,
    OrderResult,
)

CITY = "132292"
KIOSK = "K0001"
SERIAL = "0A1B2C3D"
KEY = b"k" * 32


class Gateway:
    """Answers as a city would (a fixed menu, an opaque envelope; statuses and outcomes noted)."""

    def __init__(self) -> None:
        self.requests: list[object] = []
        self.problem: Problem | None = None  # what the city answers instead, when set
        self.busy = False
        self.sealed: set[str] = set()
        self.told: dict[str, str] = {}
        self.unknown: set[str] = set()  # orders the city has no row for (answered as unknown)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        asked = Submission.model_validate_json(request.content).request
        self.requests.append(asked)
        if self.busy:
            body = {"error": Problem(code="city.busy", kind="busy", retry_after=2).model_dump()}
            return httpx.Response(503, json=body, headers={"Retry-After": "2"})
        if self.problem is not None:
            answer = CityResponse(request_id=asked.request_id, error=self.problem)
        elif isinstance(asked, MenuCall):
            answer = CityResponse(
                request_id=asked.request_id, menu=Menu(city_code=CITY, city_name="西東京市", documents=[])
            )
        elif isinstance(asked, StatusCall):
            answer = CityResponse(
                request_id=asked.request_id,
                statuses={o: "sealed" for o in asked.order_ids if o in self.sealed},
            )
        elif isinstance(asked, OutcomeCall):
            known = {o: v for o, v in asked.outcomes.items() if o not in self.unknown}
            self.told.update(known)
            answer = CityResponse(
                request_id=asked.request_id,
                recorded=len(known),
                unknown=sorted(set(asked.outcomes) - set(known)),
            )
        else:
            assert isinstance(asked, OrderCall)
            self.sealed.add(asked.order_id)
            result = OrderResult(
                order_id=asked.order_id, status="issued", envelope=b"ciphertext", fee_total=300, pages=1
            )
            answer = CityResponse(request_id=asked.request_id, order=result)
        return httpx.Response(200, content=answer.model_dump_json())


@pytest.fixture
def signer(pki) -> HeaderSigner:  # type: ignore[no-untyped-def]
    key, cert = load_seal(pki, CITY)
    return HeaderSigner(seal_kid(cert), key)


@pytest.fixture
def center(db, pki, signer) -> Iterator[tuple[CenterService, Gateway]]:  # type: ignore[no-untyped-def]
    routing.ensure_city(db, CITY, "西東京市")
    gateway = Gateway()
    client = httpx.AsyncClient(transport=httpx.MockTransport(gateway), base_url="https://gateway.test")
    public = signer.key.public_key()

    def keys():  # type: ignore[no-untyped-def]
        return lambda city, kid: public if (city, kid) == (CITY, signer.kid) else None

    service = CenterService(db, CardVerifier(pki), SessionSealer(KEY), {CITY: [client]}, seal_keys=keys)
    yield service, gateway
    _run(client.aclose())


def _session(service: CenterService, kiosk: str = KIOSK) -> CardSession:
    """A card session as authenticate() makes one: its challenge row, and the token's contents."""
    row = issue_challenge(service.db, kiosk, clock.now_utc())
    return CardSession(row.session_id, kiosk, SERIAL, ((CITY, "residence"),), time.time() + 600)


def _order(copies: int = 1) -> OrderRequest:
    return OrderRequest(
        city_code=CITY,
        doc="juminhyo",
        copies=copies,
        kiosk_public_key=b"p" * 32,
        idempotency_key=f"idem-{time.monotonic_ns()}",
    )


def _row(db, order_id: str) -> Order:  # type: ignore[no-untyped-def]
    with db() as session:
        row = session.get(Order, order_id)
        assert row is not None
        return row


def test_one_card_session_places_one_order(center) -> None:  # type: ignore[no-untyped-def]
    service, gateway = center
    session = _session(service)
    _run(service.order(session, _order()))
    with pytest.raises(AuthFailed) as used:
        _run(service.order(session, _order()))
    assert used.value.code == "session.used"
    assert sum(isinstance(r, OrderCall) for r in gateway.requests) == 1


def test_a_busy_city_is_said_at_once_and_the_same_session_may_try_again(center) -> None:  # type: ignore[no-untyped-def]
    service, gateway = center
    session = _session(service)
    gateway.busy = True
    with pytest.raises(Busy) as busy:
        _run(service.order(session, _order()))
    assert busy.value.code == "city.busy" and busy.value.retry_after == 2
    gateway.busy = False
    result = _run(service.order(session, _order()))  # the failed try left the session's order free
    assert result.status == "issued"
    assert _row(service.db, result.order_id).status == "sealed"


def test_outcomes_only_move_forward_and_every_report_may_come_twice(center) -> None:  # type: ignore[no-untyped-def]
    service, _gateway = center
    result = _run(service.order(_session(service), _order(copies=2)))
    for outcome in ("delivered", "delivered"):
        assert service.outcome(KIOSK, result.order_id, OrderOutcome(outcome=outcome)).status == "delivered"
    printed = OrderOutcome(outcome="printed", copies_printed=2, amount=600)
    assert service.outcome(KIOSK, result.order_id, printed).status == "printed"
    assert service.outcome(KIOSK, result.order_id, printed).status == "printed"  # a retry: harmless
    assert service.outcome(KIOSK, result.order_id, OrderOutcome(outcome="delivered")).status == "printed"
    for late in ("cancelled", "failed"):
        with pytest.raises(Conflict) as conflict:
            service.outcome(KIOSK, result.order_id, OrderOutcome(outcome=late))  # type: ignore[arg-type]
        assert conflict.value.code == "order.outcome.conflict"
    row = _row(service.db, result.order_id)
    assert (row.status, row.fee_total, row.amount_paid, row.copies_printed) == ("printed", 300, 600, 2)


def test_copies_printed_cannot_exceed_the_copies_ordered(center) -> None:  # type: ignore[no-untyped-def]
    service, _gateway = center
    result = _run(service.order(_session(service), _order(copies=1)))
    with pytest.raises(ProtocolViolation) as refused:
        service.outcome(KIOSK, result.order_id, OrderOutcome(outcome="printed", copies_printed=99))
    assert refused.value.code == "order.copies.invalid"
    assert _row(service.db, result.order_id).status == "sealed"


def test_cancelled_only_before_payment(center) -> None:  # type: ignore[no-untyped-def]
    service, _gateway = center
    result = _run(service.order(_session(service), _order()))
    service.outcome(KIOSK, result.order_id, OrderOutcome(outcome="paid", amount=300))
    with pytest.raises(Conflict):
        service.outcome(KIOSK, result.order_id, OrderOutcome(outcome="cancelled"))
    failed = service.outcome(
        KIOSK, result.order_id, OrderOutcome(outcome="failed")
    )  # the print failed: refunded
    assert (failed.status, failed.fee_total) == ("failed", 0)


def test_only_the_ordering_kiosk_reports(center) -> None:  # type: ignore[no-untyped-def]
    service, _gateway = center
    result = _run(service.order(_session(service), _order()))
    with pytest.raises(ProtocolViolation) as unknown:
        service.outcome("K0002", result.order_id, OrderOutcome(outcome="cancelled"))
    assert unknown.value.code == "order.unknown"


def test_an_order_the_kiosk_never_heard_back_about_is_closed_by_its_key(center) -> None:  # type: ignore[no-untyped-def]
    service, _gateway = center
    body = _order()
    _run(service.order(_session(service), body))
    closed = service.abandoned(KIOSK, Abandoned(idempotency_key=body.idempotency_key))
    assert closed.status == "cancelled"
    assert service.abandoned(KIOSK, Abandoned(idempotency_key=body.idempotency_key)).status == "cancelled"


def _proof(
    service: CenterService, signer: HeaderSigner, session: CardSession, order_id: str, **changes: object
) -> MisissuanceProof:
    fields = {
        "order_id": order_id,
        "city_code": CITY,
        "doc": "juminhyo",
        "copies": 1,
        "pages": 1,
        "issue_number": "2026-000001",
        "binding": order_binding(order_id, SERIAL, "juminhyo", 1),
        "pdf_sha256": hashlib.sha256(b"pdf").hexdigest(),
    }
    header = DocumentHeader(**{**fields, **changes})  # type: ignore[arg-type]
    token = service.sealer.seal(session)
    return MisissuanceProof(header=header.to_bytes(), signature=signer.sign(header), session_token=token)


def test_a_proven_misissuance_stops_the_city_until_staff_resume_it(center, signer) -> None:  # type: ignore[no-untyped-def]
    service, gateway = center
    session = _session(service)
    first = _run(service.order(session, _order()))
    wrong = _proof(service, signer, session, first.order_id, binding="0" * 64)  # another card's document
    service.outcome(KIOSK, first.order_id, OrderOutcome(outcome="misissuance_prevented", proof=wrong))

    asked = len(gateway.requests)
    for attempt in (
        lambda: service.menu(_session(service), MenuRequest(city_code=CITY)),
        lambda: service.order(_session(service), _order()),
    ):
        with pytest.raises(Refused) as stopped:
            _run(attempt())
        assert stopped.value.code == "city.stopped"
    assert len(gateway.requests) == asked  # the city was not even asked
    row = _row(service.db, first.order_id)
    assert (row.status, row.outcome, row.fee_total) == ("failed", "misissuance_prevented", 0)
    kinds = [e.kind for e in stops.events(service.db, CITY)]
    assert kinds[:2] == ["stopped", "misissuance_proven"]

    stops.resume(service.db, CITY, by="operator:test", reason="checked with the city")
    with service.db() as s:
        city = s.get(City, CITY)
        assert city is not None and not city.stopped
    assert _run(service.order(_session(service), _order(copies=2))).status == "issued"


def test_a_report_without_proof_does_not_stop_the_city_alone(center, signer) -> None:  # type: ignore[no-untyped-def]
    service, _gateway = center
    session = _session(service)
    result = _run(service.order(session, _order()))
    matching = _proof(service, signer, session, result.order_id)  # the header is right: no proof of fault
    service.outcome(KIOSK, result.order_id, OrderOutcome(outcome="misissuance_prevented", proof=matching))
    assert _run(service.menu(_session(service), MenuRequest(city_code=CITY))).city_code == CITY
    forged = _proof(service, signer, session, result.order_id, binding="0" * 64)
    forged = forged.model_copy(update={"signature": signer.kid + b"\x30\x06\x02\x01\x01\x02\x01\x01"})
    other = _run(service.order(_session(service), _order()))
    service.outcome(KIOSK, other.order_id, OrderOutcome(outcome="misissuance_prevented", proof=forged))
    assert _run(service.menu(_session(service), MenuRequest(city_code=CITY))).city_code == CITY
    with service.db() as s:
        kinds = [e.kind for e in s.scalars(select(CityEvent).order_by(CityEvent.id))]
    assert kinds == ["misissuance_suspected", "misissuance_suspected"]


def test_suspected_reports_from_several_kiosks_stop_the_city(center) -> None:  # type: ignore[no-untyped-def]
    service, _gateway = center
    for n in range(stops.SUSPECT_LIMIT):
        kiosk = f"K000{n + 1}"
        result = _run(service.order(_session(service, kiosk), _order()))
        service.outcome(kiosk, result.order_id, OrderOutcome(outcome="misissuance_prevented"))
    with pytest.raises(Refused) as stopped:
        _run(service.menu(_session(service), MenuRequest(city_code=CITY)))
    assert stopped.value.code == "city.stopped"


def test_a_document_the_city_could_not_make_closes_its_history_row(center) -> None:  # type: ignore[no-untyped-def]
    service, gateway = center
    gateway.problem = Problem(code="document.render_failed", detail="document.invalid", kind="error")
    with pytest.raises(KofuError) as failed:
        _run(service.order(_session(service), _order()))
    assert failed.value.code == "document.render_failed" and not isinstance(failed.value, Refused)
    with service.db() as session:
        row = session.scalars(select(Order)).one()
    assert (row.status, row.outcome, row.fee_total) == ("failed", "document.render_failed", 0)
    assert row.finished_at is not None


def test_the_sweep_closes_lost_orders_with_the_truth_and_tells_the_city(center) -> None:  # type: ignore[no-untyped-def]
    service, gateway = center
    lost = _run(service.order(_session(service), _order()))  # sealed by the city…
    from kofu.center import orders

    orders.mark(service.db, lost.order_id, "forwarded")
    with service.db.begin() as s:  # …but the centre died before it wrote "sealed"
        row = s.get(Order, lost.order_id)
        assert row is not None
        row.status = "forwarded"
    never = _order()
    orders.record(service.db, "f" * 32, _session(service).session_id, KIOSK, never)  # never reached the city
    orders.mark(service.db, "f" * 32, "forwarded")
    printed = _run(service.order(_session(service), _order()))
    service.outcome(KIOSK, printed.order_id, OrderOutcome(outcome="printed", copies_printed=1, amount=300))

    sweeper = Sweeper(service, sweep_after=600)
    with time_machine.travel(clock.now_utc() + timedelta(minutes=5)):
        counts = _run(sweeper.sweep())
    assert counts["asked"] == 2
    assert (_row(service.db, lost.order_id).status, _row(service.db, lost.order_id).outcome) == (
        "failed",
        SWEPT,
    )
    assert (_row(service.db, "f" * 32).status, _row(service.db, "f" * 32).outcome) == (
        "failed",
        "city.unavailable",
    )
    assert gateway.told[printed.order_id] == "printed"
    assert gateway.told[lost.order_id] == "failed"
    # The kiosk's journal had the truth: it printed the swept one after all.
    late = service.outcome(
        KIOSK, lost.order_id, OrderOutcome(outcome="printed", copies_printed=1, amount=300)
    )
    assert late.status == "printed"
    again = _run(sweeper.sweep())
    assert again["closed"] == 0 and gateway.told[lost.order_id] == "printed"


def test_an_order_the_city_has_no_row_for_is_told_again_until_it_has_one(center) -> None:  # type: ignore[no-untyped-def]
    """A request re-delivered to the city after its order ended (the issuer holding it died) may
    still be issued: the sweep tells the city again until its log has the row, for ten minutes."""
    from kofu.center import orders

    service, gateway = center
    late = _run(service.order(_session(service), _order()))
    service.outcome(KIOSK, late.order_id, OrderOutcome(outcome="cancelled"))
    gone = _run(service.order(_session(service), _order()))
    service.outcome(KIOSK, gone.order_id, OrderOutcome(outcome="cancelled"))
    gateway.unknown = {late.order_id, gone.order_id}
    sweeper = Sweeper(service, sweep_after=600)
    _run(sweeper.sweep())
    assert {o.order_id for o in orders.untold(service.db)} == {late.order_id, gone.order_id}
    gateway.unknown = {gone.order_id}  # the city issued the late one after all
    _run(sweeper.sweep())
    assert gateway.told[late.order_id] == "cancelled"
    assert {o.order_id for o in orders.untold(service.db)} == {gone.order_id}
    with time_machine.travel(clock.now_utc() + timedelta(minutes=11)):  # never seen: given up
        _run(sweeper.sweep())
    assert orders.untold(service.db) == [] and gone.order_id not in gateway.told


def test_menus_refused_for_a_stopped_city_are_counted_for_it_once_per_session(center) -> None:  # type: ignore[no-untyped-def]
    from kofu.center.city_status import status
    from kofu.protocol.city_center import MENU_REFUSED, OrderCount

    service, gateway = center
    stops.stop(service.db, CITY, by="operator:test", reason="maintenance")
    first, second = _session(service), _session(service)
    for session in (first, first, second):  # the kiosk asks again in the first session
        with pytest.raises(Refused):
            _run(service.menu(session, MenuRequest(city_code=CITY)))
    assert gateway.requests == []  # the city was never asked
    counted = [row for row in status(service.db, CITY).today if row.status == MENU_REFUSED]
    assert counted == [OrderCount(doc="*", status=MENU_REFUSED, outcome="city.stopped", count=2)]
    stops.resume(service.db, CITY, by="operator:test", reason="done")
    _run(service.menu(_session(service), MenuRequest(city_code=CITY)))
    assert [r.count for r in status(service.db, CITY).today if r.status == MENU_REFUSED] == [2]


def test_every_order_a_kiosk_places_is_timed_for_its_city(center) -> None:  # type: ignore[no-untyped-def]
    """The order route times each order for ``/metrics`` (``kofu_order_seconds{city}``, what the
    operator console charts), a refused one too; through the real app, the kiosk's peer named."""
    service, gateway = center
    app = create_app(service)
    as_peer(app, Peer("kiosk", KIOSK))
    client = TestClient(app)

    def timed() -> float:
        return REGISTRY.get_sample_value("kofu_order_seconds_count", {"city": CITY}) or 0.0

    def place() -> int:
        token = service.sealer.seal(_session(service))
        body = _order().model_dump_json()
        headers = {SESSION_HEADER: token, "Content-Type": "application/json"}
        return client.post(link.ORDER.path, content=body, headers=headers).status_code

    before = timed()
    gateway.busy = True
    assert place() == 503
    gateway.busy = False
    assert place() == 200
    assert timed() == before + 2
