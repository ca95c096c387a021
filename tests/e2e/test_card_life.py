"""A card's life through the real chain: issued at the counter, refused when revoked, expired,
forged or from the wrong CA, replays refused, blocked and unblocked, moved to another city.

Every card here is issued fresh by the city counter for a resident made for the test, and its
route is registered at the running centre over mTLS with the city's issuer certificate.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from cryptography import x509
from sqlalchemy import select

from kofu import clock
from kofu.card import apdu
from kofu.card.jpki import JpkiDriver
from kofu.card.state import CardState
from kofu.card.store import CardStore
from kofu.center import routing
from kofu.center.auth import card_ref
from kofu.center.models import Route, RouteChange
from kofu.city.counter.service import CounterService, move
from kofu.config import Settings
from kofu.documents.text import extract_text
from kofu.kiosk.devices import SimulatedCashUnit, SimulatedPrinter
from kofu.kiosk.flow import KioskFlow
from kofu.protocol.errors import KofuError
from kofu.storage import make_engine, session_factory
from tests.card.life import issue_fresh_card, resident_name, rogue_ca_certificate
from tests.e2e.helpers import center_link, journal_of, order

pytestmark = pytest.mark.e2e


def refusal(settings: Settings, card, pin: str | None = None) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(KofuError) as refused:
        order(settings, card, pin=pin)
    return refused.value.code


def residence_city(settings: Settings, card) -> str:  # type: ignore[no-untyped-def]
    """Authenticate the card at the centre and return the residence city it is routed to."""
    center = center_link(settings)
    flow = KioskFlow(center, SimulatedCashUnit(), SimulatedPrinter(), journal_of(settings))
    try:
        with CardStore(settings.cards_dir).open(card.card, wait=5.0) as stored:
            flow.place_card(stored.reader())
            cities = flow.enter_pin(card.pin)
        return next(c.city_code for c in cities if c.kind == "residence")
    finally:
        flow.cancel()
        center.close()


def test_a_card_issued_at_the_counter_orders_its_holders_juminhyo(chain, chain_settings):
    issued, card = issue_fresh_card(chain_settings, "132292")
    result, pdf = order(chain_settings, card)
    assert result.fee_total == 200
    assert resident_name(chain_settings, "132292", issued.resident_id) in extract_text(pdf)
    engine = make_engine(chain_settings.center_db_url())
    try:  # the centre knows the card only by its hash
        serial = format(
            x509.load_der_x509_certificate(
                CardStore(chain_settings.cards_dir).load(card.card).auth_cert_der
            ).serial_number,
            "X",
        )
        with session_factory(engine)() as session:
            assert session.get(Route, card_ref(serial)) is not None
            assert serial not in str([r.card_ref for r in session.scalars(select(Route))])
    finally:
        engine.dispose()


def test_a_card_reported_lost_is_refused_by_the_running_center(chain, chain_settings):
    issued, card = issue_fresh_card(chain_settings, "132110")
    order(chain_settings, card)  # works, and the running centre has loaded its CRL
    with CounterService(chain_settings, "132110") as counter:
        counter.report_lost(issued.label)
    assert refusal(chain_settings, card) == "card.certificate.revoked"


def test_an_expired_card_is_refused(chain, chain_settings):
    now = dt.datetime.now(dt.UTC)
    issued, card = issue_fresh_card(
        chain_settings,
        "132292",
        valid_from=now - dt.timedelta(days=5 * 365),
        valid_until=now - dt.timedelta(hours=1),
    )
    assert refusal(chain_settings, card) == "card.certificate.expired"
    with CounterService(chain_settings, "132292") as counter:
        assert issued.label in counter.expire()


def test_a_card_from_another_ca_is_refused(chain, chain_settings):
    state = CardState.generate("ROGUE-CA-1", "4321")
    state.auth_cert_der, state.auth_ca_der = rogue_ca_certificate(chain_settings, state.public_key())
    CardStore(chain_settings.cards_dir).save(state)
    card = as_demo_card_for(state, "132292")
    assert refusal(chain_settings, card) == "card.certificate.untrusted"


def test_a_card_carrying_someone_elses_certificate_is_refused(chain, chain_settings):
    """A forger copies a genuine card's certificate onto a blank card with its own key."""
    _issued, genuine = issue_fresh_card(chain_settings, "132292")
    store = CardStore(chain_settings.cards_dir)
    copied = store.load(genuine.card)
    forged = CardState.generate("FORGED-1", "4321")
    forged.auth_cert_der, forged.auth_ca_der = copied.auth_cert_der, copied.auth_ca_der
    store.save(forged)
    assert refusal(chain_settings, as_demo_card_for(forged, "132292")) == "card.signature.invalid"


def as_demo_card_for(state: CardState, city: str):  # type: ignore[no-untyped-def]
    from kofu.demo import DemoCard

    return DemoCard(state.label, state.auth_pin, city, 0, ("adult",))


def test_a_replayed_signature_is_refused(chain, chain_settings):
    _issued, card = issue_fresh_card(chain_settings, "132110")
    center = center_link(chain_settings)
    try:
        with CardStore(chain_settings.cards_dir).open(card.card) as stored:
            reader = stored.reader()
            reader.connect()
            driver = JpkiDriver(reader)
            first = center.open_session()
            certificate, signature = driver.authenticate(card.pin, first.challenge)
        center.authenticate(first.session_id, certificate, signature)  # genuine: accepted
        with pytest.raises(KofuError) as again:
            center.authenticate(first.session_id, certificate, signature)
        assert again.value.code == "session.replayed"
        second = center.open_session()  # an old signature does not answer a new challenge
        with pytest.raises(KofuError) as stale:
            center.authenticate(second.session_id, certificate, signature)
        assert stale.value.code == "card.signature.invalid"
    finally:
        center.close()


def test_blocked_stays_blocked_until_the_city_unblocks_it(chain, chain_settings):
    issued, card = issue_fresh_card(chain_settings, "132292", pin="1357")
    codes = [refusal(chain_settings, card, pin="0000") for _ in range(3)]
    assert codes == ["card.pin.wrong", "card.pin.wrong", "card.pin.blocked"]
    store = CardStore(chain_settings.cards_dir)
    assert store.load(card.card).auth_tries_left == 0  # written to the card's memory at once
    # a fresh reader (the card re-inserted) and a new centre session: still blocked
    assert refusal(chain_settings, card) == "card.pin.blocked"
    # a kiosk has no administration key: the card refuses every way of resetting the PIN
    with store.open(card.card) as stored:
        reader = stored.reader()
        reader.connect()
        for command in (
            apdu.select_ap(apdu.JPKI_AID),
            apdu.select_ef(apdu.AUTH_PIN),
            apdu.get_challenge(),
            apdu.external_authenticate(hashlib.sha256(b"guess").digest()[:16]),
        ):
            reader.transmit(command.to_bytes())
        for command in (
            apdu.reset_retry_counter("1357"),
            apdu.reset_retry_counter(None),
            apdu.change_reference_data("1357"),
        ):
            assert apdu.ResponseAPDU.parse(reader.transmit(command.to_bytes())).sw == 0x6982
    assert refusal(chain_settings, card) == "card.pin.blocked"
    # at the counter of the city that issued it
    with (
        CounterService(chain_settings, "132292") as counter,
        counter.stored_card_reader(issued.label) as reader,
    ):
        new_pin = counter.unblock(reader, "auth", "8642")
    result, _pdf = order(chain_settings, card, pin=new_pin)
    assert result.fee_total == 200


def test_a_move_is_routed_to_the_old_city_today_and_the_new_one_from_tomorrow(chain, chain_settings):
    issued, card = issue_fresh_card(chain_settings, "132292")
    today = clock.today()
    with CounterService(chain_settings, "132292") as old, CounterService(chain_settings, "132110") as new:
        move(old, new, issued.resident_id, today, town="花小金井", banchi="三丁目2番1号")
    # today: still the old city, which now refuses (moved out)
    assert residence_city(chain_settings, card) == "132292"
    assert refusal(chain_settings, card) == "city.resident.moved_out"
    # tomorrow (the date injected into the centre's routing): the new city
    serial = format(
        x509.load_der_x509_certificate(
            CardStore(chain_settings.cards_dir).load(card.card).auth_cert_der
        ).serial_number,
        "X",
    )
    engine = make_engine(chain_settings.center_db_url())
    try:
        db = session_factory(engine)
        tomorrow = today + dt.timedelta(days=1)
        assert next((c.code, k) for c, k in routing.cities_for(db, serial, today=today)) == (
            "132292",
            "residence",
        )
        assert next((c.code, k) for c, k in routing.cities_for(db, serial, today=tomorrow)) == (
            "132110",
            "residence",
        )
        with db() as session:
            change = session.scalars(
                select(RouteChange).where(RouteChange.card_ref == card_ref(serial))
            ).one()
            assert change.effective_from == tomorrow
    finally:
        engine.dispose()


def test_a_card_moved_yesterday_orders_from_the_new_city(chain, chain_settings):
    issued, card = issue_fresh_card(chain_settings, "132110")
    yesterday = clock.today() - dt.timedelta(days=1)
    with CounterService(chain_settings, "132110") as old, CounterService(chain_settings, "132292") as new:
        move(old, new, issued.resident_id, yesterday, town="南町", banchi="五丁目6番7号")
    assert residence_city(chain_settings, card) == "132292"
    result, pdf = order(chain_settings, card)
    text = extract_text(pdf)
    assert result.fee_total == 200
    assert "南町" in text and "西東京市" in text
