"""The city counter's card services against real registries, card store and JPKI CA (routes: FAKE)."""

from __future__ import annotations

import datetime as dt

import pytest
from counter_fakes import FakeRoutes
from cryptography import x509
from sqlalchemy import select
from tests.card.life import new_resident

from kofu.card.errors import AdminRejected, PinBlocked, PinWrong
from kofu.card.jpki import JpkiDriver
from kofu.card.office import OfficeDriver
from kofu.city.counter.errors import CardNotRegistered, ResidentNotEligible
from kofu.city.counter.service import CounterService, move
from kofu.city.registry.models import Card, CardRecord, Resident
from kofu.config import Settings
from kofu.pki.jpki import load_crl, load_jpki_ca


def _serial(service: CounterService, label: str) -> str:
    with service.db() as session:
        return session.scalars(select(Card.cert_serial_hex).where(Card.label == label)).one()


def test_issue_makes_a_personalised_card_linked_and_routed(
    settings: Settings, nishitokyo: CounterService, routes: FakeRoutes
) -> None:
    resident_id = new_resident(settings, "132292")
    issued = nishitokyo.issue_card(resident_id, pin="2580", sign_pin="SIGNME99")
    state = nishitokyo.store.load(issued.label)
    auth = x509.load_der_x509_certificate(state.auth_cert_der)
    sign = x509.load_der_x509_certificate(state.sign_cert_der)
    ca = load_jpki_ca(settings.pki)
    auth.verify_directly_issued_by(ca)
    sign.verify_directly_issued_by(ca)
    assert auth.public_key() == state.public_key() and sign.public_key() == state.sign_public_key()
    assert (state.auth_pin, state.sign_pin, state.text_pin) == ("2580", "SIGNME99", "2580")
    serial = format(auth.serial_number, "X")
    assert routes.calls == [(serial, "132292", None)]
    with nishitokyo.db() as session:
        card = session.scalars(select(Card).where(Card.cert_serial_hex == serial)).one()
        record = session.scalars(select(CardRecord).where(CardRecord.card_id == card.id)).one()
        assert card.resident_id == resident_id and card.label == issued.label
        assert bytes.fromhex(record.admin_key_hex) == state.admin_key
    with nishitokyo.stored_card_reader(issued.label) as reader:
        reader.connect()
        attributes = OfficeDriver(reader).read_attributes("2580")
    assert attributes.name.startswith("試験") and "西東京市" in attributes.address and attributes.sex == "1"


def test_only_active_residents_get_cards(
    settings: Settings, nishitokyo: CounterService, kodaira: CounterService
) -> None:
    resident_id = new_resident(settings, "132292")
    with pytest.raises(ResidentNotEligible):
        kodaira.issue_card(resident_id + 100000)
    nishitokyo.move_out(resident_id, dt.date(2026, 1, 5))
    with pytest.raises(ResidentNotEligible):
        nishitokyo.issue_card(resident_id)


def test_unblock_at_the_counter_and_only_there(
    settings: Settings, nishitokyo: CounterService, kodaira: CounterService
) -> None:
    issued = nishitokyo.issue_card(new_resident(settings, "132292"), pin="1111")
    with nishitokyo.stored_card_reader(issued.label) as reader:
        reader.connect()
        kiosk = JpkiDriver(reader)
        kiosk.select_jpki()
        for expected in (PinWrong, PinWrong, PinBlocked):
            with pytest.raises(expected):
                kiosk.verify_auth_pin("9999")
        # another city's counter has no key for this card
        with pytest.raises(CardNotRegistered):
            kodaira.unblock(reader, "auth", "2222")
        new_pin = nishitokyo.unblock(reader, "auth", "3333")
        reader.connect()
        kiosk.select_jpki()
        kiosk.verify_auth_pin(new_pin)
    assert nishitokyo.store.load(issued.label).auth_tries_left == 3


def test_a_tampered_key_record_is_refused_by_the_card(settings: Settings, nishitokyo: CounterService) -> None:
    issued = nishitokyo.issue_card(new_resident(settings, "132292"))
    with nishitokyo.db.begin() as session:
        record = session.scalars(
            select(CardRecord).where(CardRecord.cert_serial_hex == _serial(nishitokyo, issued.label))
        ).one()
        record.admin_key_hex = "00" * 32
    with nishitokyo.stored_card_reader(issued.label) as reader, pytest.raises(AdminRejected):
        nishitokyo.unblock(reader)


def test_lost_card_is_revoked_and_no_longer_the_citys(settings: Settings, nishitokyo: CounterService) -> None:
    issued = nishitokyo.issue_card(new_resident(settings, "132292"))
    serial = _serial(nishitokyo, issued.label)
    nishitokyo.report_lost(issued.label)
    assert load_crl(settings.pki).get_revoked_certificate_by_serial_number(int(serial, 16)) is not None
    sign = x509.load_der_x509_certificate(nishitokyo.store.load(issued.label).sign_cert_der)
    assert load_crl(settings.pki).get_revoked_certificate_by_serial_number(sign.serial_number) is not None
    with nishitokyo.stored_card_reader(issued.label) as reader, pytest.raises(CardNotRegistered):
        nishitokyo.unblock(reader)
    with pytest.raises(CardNotRegistered):
        nishitokyo.report_lost(issued.label)


def test_expire_marks_cards_past_not_after(settings: Settings, nishitokyo: CounterService) -> None:
    now = dt.datetime.now(dt.UTC)
    old = nishitokyo.issue_card(
        new_resident(settings, "132292"),
        valid_from=now - dt.timedelta(days=400),
        valid_until=now - dt.timedelta(days=1),
    )
    fresh = nishitokyo.issue_card(new_resident(settings, "132292"))
    expired = nishitokyo.expire(now)
    assert old.label in expired and fresh.label not in expired
    assert fresh.label in nishitokyo.expire(now + dt.timedelta(days=6 * 365))


def test_move_hands_the_resident_and_card_to_the_new_city(
    settings: Settings, nishitokyo: CounterService, kodaira: CounterService, routes: FakeRoutes
) -> None:
    resident_id = new_resident(settings, "132292")
    issued = nishitokyo.issue_card(resident_id)
    serial = _serial(nishitokyo, issued.label)
    day = dt.date(2026, 3, 31)
    new_id = move(nishitokyo, kodaira, resident_id, day, town="喜平町", banchi="二丁目3番4号")
    with nishitokyo.db() as session:
        old = session.get(Resident, resident_id)
        assert old is not None and (old.status, old.status_date) == ("moved_out", day)
        code = old.juminhyo_code
    with kodaira.db() as session:
        new = session.get(Resident, new_id)
        assert new is not None and new.status == "active" and new.became_resident_reason == "転入"
        assert new.juminhyo_code == code  # the 住民票コード is the person's, in every city
        assert new.household.address.full_text == "東京都小平市喜平町二丁目3番4号"
        assert new.prior_address is not None and "西東京市" in new.prior_address
        card = session.scalars(select(Card).where(Card.cert_serial_hex == serial)).one()
        assert card.resident_id == new_id
    assert routes.calls[-1] == (serial, "132110", dt.date(2026, 4, 1))
    with kodaira.stored_card_reader(issued.label) as reader:  # the new city can unblock it now
        assert kodaira.unblock(reader, "auth", "4444") == "4444"
