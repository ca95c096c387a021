"""City counter card services: issue, unblock, lost, expiry, move (see the package docstring)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
import string
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select
from sqlalchemy.orm import Session

from kofu import clock
from kofu.card.attributes import CardAttributes, encode_attributes, sex_code
from kofu.card.errors import CardError
from kofu.card.office import OfficeDriver, PinKind, check_pin_format
from kofu.card.reader import Reader
from kofu.card.state import CardState
from kofu.card.store import CardStore
from kofu.city.counter import jpki
from kofu.city.counter.center import CenterRoutes, RouteRegistrar
from kofu.city.counter.errors import CardNotRegistered, ResidentNotEligible
from kofu.city.registry.cities import CITIES
from kofu.city.registry.db import create_schema
from kofu.city.registry.models import (
    CARD_ACTIVE,
    CARD_EXPIRED,
    CARD_LOST,
    RESIDENT_ACTIVE,
    RESIDENT_MOVED_OUT,
    SETAINUSHI,
    Address,
    Card,
    CardRecord,
    Household,
    Resident,
)
from kofu.city.registry.queries import register_card
from kofu.config import Settings
from kofu.storage import make_engine, session_factory

logger = logging.getLogger(__name__)

CARD_PREFIX = {"132292": "NT", "132110": "KD"}
_SIGN_ALPHABET = string.ascii_uppercase + string.digits


def new_auth_pin() -> str:
    """A random 4-digit PIN (what a resident gets when they do not choose one)."""
    return f"{secrets.randbelow(10000):04d}"


def new_sign_pin() -> str:
    """A random 8-character signing PIN of upper-case letters and digits."""
    return "".join(secrets.choice(_SIGN_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class IssuedCard:
    """A card handed over at the counter, with the PINs the resident just set."""

    label: str
    resident_id: int
    city: str
    pin: str
    sign_pin: str
    text_pin: str
    not_after: dt.datetime


@dataclass(frozen=True)
class MoveOut:
    """What the old city hands the new one on a move (転出証明書 data and the card's record)."""

    resident: dict[str, object]
    prior_address: str
    moved_on: dt.date
    card_label: str | None
    cert_serial_hex: str | None
    sign_cert_serial_hex: str | None
    admin_key_hex: str | None
    auth_not_after: dt.datetime | None
    issued_on: dt.date | None


# Resident fields a move carries over unchanged (住民票コード, identity, 本籍, foreign-resident items).
_CARRIED = (
    "juminhyo_code",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "birth_date",
    "sex",
    "honseki",
    "honseki_city_code",
    "hittosha",
    "nationality",
    "residence_status",
    "stay_period",
    "stay_expires_on",
    "residence_card_number",
    "alias_name",
    "alias_kana",
    "katakana_name",
)


class CounterService:
    """One city's counter: its registry, the card store (the card "in the counter's reader"),
    the JPKI CA and the centre's route registry."""

    def __init__(self, settings: Settings, city: str, routes: RouteRegistrar | None = None) -> None:
        if city not in CITIES:
            raise ValueError(f"unknown city {city}")
        self.settings, self.city = settings, city
        self.engine = make_engine(settings.city_db_url(city))
        create_schema(self.engine)
        self.db = session_factory(self.engine)
        self.store = CardStore(settings.cards_dir)
        self._own_routes = routes is None
        self.routes: RouteRegistrar = routes or CenterRoutes(settings, city)

    def close(self) -> None:
        """Release the database and the centre link."""
        if self._own_routes and isinstance(self.routes, CenterRoutes):
            self.routes.close()
        self.engine.dispose()

    def __enter__(self) -> CounterService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- issuing ------------------------------------------------------------------------------
    def _active_resident(self, session: Session, resident_id: int) -> Resident:
        resident = session.get(Resident, resident_id)
        if resident is None or resident.status != RESIDENT_ACTIVE:
            raise ResidentNotEligible(f"no active resident {resident_id} in {self.city}")
        return resident

    def _new_label(self) -> str:
        prefix = CARD_PREFIX.get(self.city, self.city)
        taken = set(self.store.labels())
        while True:
            label = f"{prefix}-C{secrets.token_hex(3).upper()}"
            if label not in taken:
                return label

    def issue_card(
        self,
        resident_id: int,
        *,
        label: str | None = None,
        pin: str | None = None,
        sign_pin: str | None = None,
        text_pin: str | None = None,
        valid_from: dt.datetime | None = None,
        valid_until: dt.datetime | None = None,
    ) -> IssuedCard:
        """Issue a card: keys made on the card, certificates from the JPKI CA, the registry link, the
        route at the centre. ``valid_from``/``valid_until`` override the 5-year validity (demos)."""
        pin = pin or new_auth_pin()
        sign_pin = sign_pin or new_sign_pin()
        text_pin = text_pin or pin
        check_pin_format("auth", pin)
        check_pin_format("sign", sign_pin)
        check_pin_format("text", text_pin)
        label = label or self._new_label()
        with self.db.begin() as session:
            resident = self._active_resident(session, resident_id)
            attributes = CardAttributes(
                name=resident.name,
                address=resident.household.address.full_text,
                birth_date=resident.birth_date,
                sex=sex_code(resident.sex),
            )
            state = CardState.generate(
                label,
                pin,
                sign_pin=sign_pin,
                text_pin=text_pin,
                text_attributes=encode_attributes(attributes),
            )
            auth_key, sign_key = state.public_key(), state.sign_public_key()
            assert sign_key is not None
            auth_cert = jpki.auth_certificate(self.settings.pki, auth_key, valid_from, valid_until, self.city)
            sign_cert = jpki.signing_certificate(self.settings.pki, sign_key, valid_from, valid_until)
            ca = jpki.ca_der(self.settings.pki)
            serial = format(auth_cert.serial_number, "X")
            self.store.save(state)
            try:
                self.store.install_certificate(label, auth_cert.public_bytes(Encoding.DER), ca)
                self.store.install_certificate(label, sign_cert.public_bytes(Encoding.DER), ca, signing=True)
                card = register_card(session, resident_id, serial, label, issued_on=clock.today())
                session.add(
                    CardRecord(
                        card_id=card.id,
                        cert_serial_hex=serial,
                        sign_cert_serial_hex=format(sign_cert.serial_number, "X"),
                        admin_key_hex=state.admin_key.hex(),
                        auth_not_after=auth_cert.not_valid_after_utc,
                        recorded_on=clock.today(),
                    )
                )
                session.flush()
                self.routes.register(serial, self.city)
            except BaseException:
                self.store.delete(label)  # never handed out: destroy it
                raise
        logger.info("counter %s: issued card %s for resident %d", self.city, label, resident_id)
        return IssuedCard(
            label, resident_id, self.city, pin, sign_pin, text_pin, auth_cert.not_valid_after_utc
        )

    # -- PINs -----------------------------------------------------------------------------------
    def _record_for_serial(self, session: Session, serial: str) -> CardRecord:
        record = session.scalars(select(CardRecord).where(CardRecord.cert_serial_hex == serial)).one_or_none()
        card = session.get(Card, record.card_id) if record is not None else None
        if record is None or card is None or card.status != CARD_ACTIVE:
            raise CardNotRegistered(f"the card is not an active card of {self.city}")
        return record

    def unblock(self, reader: Reader, kind: PinKind = "auth", new_pin: str | None = None) -> str:
        """Unblock one PIN of the card in ``reader`` and set ``new_pin`` (random if None); return it.

        The card is identified by its certificate, its administration key taken from this city's
        records; the card itself checks the key (a kiosk, holding none, cannot do this).
        """
        new_pin = new_pin or (new_sign_pin() if kind == "sign" else new_auth_pin())
        check_pin_format(kind, new_pin)
        reader.connect()
        try:
            driver = OfficeDriver(reader)
            serial = driver.card_serial()
            with self.db() as session:
                key = bytes.fromhex(self._record_for_serial(session, serial).admin_key_hex)
            driver.reset_pin(kind, key, new_pin)
        finally:
            with contextlib.suppress(CardError):
                reader.disconnect()
        logger.info("counter %s: reset the %s PIN of a card", self.city, kind)
        return new_pin

    @contextlib.contextmanager
    def stored_card_reader(self, label: str) -> Iterator[Reader]:
        """The counter's own (emulated) reader holding the stored card ``label``."""
        with self.store.open(label, wait=5.0) as stored:
            yield stored.reader("kofu counter reader (EMULATOR)")

    # -- lost and expired ------------------------------------------------------------------------
    def _active_card(self, session: Session, label: str) -> tuple[Card, CardRecord | None]:
        card = session.scalars(select(Card).where(Card.label == label, Card.status == CARD_ACTIVE)).first()
        if card is None:
            raise CardNotRegistered(f"no active card {label} in {self.city}")
        record = session.scalars(select(CardRecord).where(CardRecord.card_id == card.id)).one_or_none()
        return card, record

    def report_lost(self, label: str) -> None:
        """Mark the card lost and revoke its certificates (the centre refuses it from then on)."""
        with self.db.begin() as session:
            card, record = self._active_card(session, label)
            card.status = CARD_LOST
            jpki.revoke(self.settings.pki, card.cert_serial_hex)
            if record is not None and record.sign_cert_serial_hex:
                jpki.revoke(self.settings.pki, record.sign_cert_serial_hex)
        logger.info("counter %s: card %s reported lost and revoked", self.city, label)

    def expire(self, now: dt.datetime | None = None) -> list[str]:
        """Mark every active card whose certificate has passed its notAfter as expired; their labels."""
        moment = now or clock.now_utc()
        expired: list[str] = []
        with self.db.begin() as session:
            rows = session.execute(
                select(Card, CardRecord)
                .join(CardRecord, CardRecord.card_id == Card.id)
                .where(Card.status == CARD_ACTIVE)
            ).all()
            for card, record in rows:
                not_after = record.auth_not_after
                if not_after.tzinfo is None:
                    not_after = not_after.replace(tzinfo=dt.UTC)
                if not_after < moment:
                    card.status = CARD_EXPIRED
                    expired.append(card.label)
        return sorted(expired)

    # -- moving -----------------------------------------------------------------------------------
    def move_out(self, resident_id: int, on: dt.date) -> MoveOut:
        """転出: mark the resident moved out on ``on`` and hand over what the new city needs."""
        with self.db.begin() as session:
            resident = self._active_resident(session, resident_id)
            resident.status = RESIDENT_MOVED_OUT
            resident.status_date = on
            card = session.scalars(
                select(Card).where(Card.resident_id == resident_id, Card.status == CARD_ACTIVE)
            ).first()
            record = (
                session.scalars(select(CardRecord).where(CardRecord.card_id == card.id)).one_or_none()
                if card is not None
                else None
            )
            return MoveOut(
                resident={name: getattr(resident, name) for name in _CARRIED},
                prior_address=resident.household.address.full_text,
                moved_on=on,
                card_label=card.label if card else None,
                cert_serial_hex=card.cert_serial_hex if card else None,
                sign_cert_serial_hex=record.sign_cert_serial_hex if record else None,
                admin_key_hex=record.admin_key_hex if record else None,
                auth_not_after=record.auth_not_after if record else None,
                issued_on=card.issued_on if card else None,
            )

    def move_in(self, moving: MoveOut, town: str | None = None, banchi: str = "一丁目1番1号") -> int:
        """転入: register the resident (a new household) and their card; route the card here from
        the day after the move. Returns the new resident id."""
        info = CITIES[self.city]
        with self.db.begin() as session:
            address = Address(
                prefecture=info.prefecture,
                city_name=info.name,
                town=town or info.towns[0],
                chome_banchi=banchi,
            )
            household = Household(address=address, created=moving.moved_on)
            resident = Resident(
                household=household,
                zokugara=SETAINUSHI,
                became_resident_date=moving.moved_on,
                became_resident_reason="転入",
                address_defined_date=moving.moved_on,
                prior_address=moving.prior_address,
                notified_on=moving.moved_on,
                status=RESIDENT_ACTIVE,
                **moving.resident,
            )
            session.add_all([address, household, resident])
            session.flush()
            household.head_resident_id = resident.id
            if moving.cert_serial_hex is not None and moving.card_label is not None:
                card = register_card(
                    session,
                    resident.id,
                    moving.cert_serial_hex,
                    moving.card_label,
                    issued_on=moving.issued_on,
                )
                if moving.admin_key_hex is not None and moving.auth_not_after is not None:
                    session.add(
                        CardRecord(
                            card_id=card.id,
                            cert_serial_hex=moving.cert_serial_hex,
                            sign_cert_serial_hex=moving.sign_cert_serial_hex,
                            admin_key_hex=moving.admin_key_hex,
                            auth_not_after=moving.auth_not_after,
                            recorded_on=moving.moved_on,
                        )
                    )
                session.flush()
                self.routes.register(
                    moving.cert_serial_hex, self.city, effective_from=moving.moved_on + dt.timedelta(days=1)
                )
            return resident.id


def move(
    old: CounterService,
    new: CounterService,
    resident_id: int,
    on: dt.date,
    town: str | None = None,
    banchi: str = "一丁目1番1号",
) -> int:
    """A whole move between two cities on ``on``; returns the resident's id in the new city."""
    moving = old.move_out(resident_id, on)
    return new.move_in(moving, town=town, banchi=banchi)
