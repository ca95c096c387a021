"""Helpers for tests of a card's life at the city and the centre (counter, e2e and pcsc tests).

Each test makes its own synthetic resident (so moving or blocking never touches another test's
data) and has the city counter issue a fresh card for them.
"""

from __future__ import annotations

import datetime as dt
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding

from kofu.city.counter.service import CounterService, IssuedCard
from kofu.city.registry.cities import CITIES
from kofu.city.registry.juminhyo_code import synthetic_juminhyo_code
from kofu.city.registry.models import SETAINUSHI, Address, Household, Resident
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.pki.jpki import load_jpki_ca
from kofu.storage import make_engine, session_factory

GIVEN = "一二三四五六七八九十"


def new_resident(settings: Settings, city: str, *, born: dt.date = dt.date(1985, 6, 15)) -> int:
    """A synthetic adult living alone in ``city`` (a test's own resident); returns the id."""
    info = CITIES[city]
    tag = "".join(secrets.choice(GIVEN) for _ in range(3))
    engine = make_engine(settings.city_db_url(city))
    try:
        with session_factory(engine).begin() as session:
            address = Address(
                prefecture=info.prefecture,
                city_name=info.name,
                town=info.towns[-1],
                chome_banchi="九丁目9番9号",
            )
            household = Household(address=address, created=dt.date(2010, 4, 1))
            resident = Resident(
                household=household,
                # A test's own resident: a valid code far above any seeded resident's id.
                juminhyo_code=synthetic_juminhyo_code(city, 10**9 + secrets.randbelow(10**9)),
                family_name="試験",
                given_name=f"{tag}郎",
                family_kana="シケン",
                given_kana="タロウ",
                birth_date=born,
                sex="男",
                zokugara=SETAINUSHI,
                became_resident_date=dt.date(2010, 4, 1),
                became_resident_reason="転入",
                address_defined_date=dt.date(2010, 4, 1),
                honseki=f"{info.prefecture}{info.name}{info.towns[-1]}九丁目9番地",
                honseki_city_code=city,
                hittosha=f"試験\u3000{tag}郎",
            )
            session.add_all([address, household, resident])
            session.flush()
            household.head_resident_id = resident.id
            return resident.id
    finally:
        engine.dispose()


def resident_name(settings: Settings, city: str, resident_id: int) -> str:
    engine = make_engine(settings.city_db_url(city))
    try:
        with session_factory(engine)() as session:
            resident = session.get(Resident, resident_id)
            assert resident is not None
            return resident.name
    finally:
        engine.dispose()


def issue_fresh_card(settings: Settings, city: str, **kwargs: object) -> tuple[IssuedCard, DemoCard]:
    """A new resident of ``city`` with a card issued at the counter (route registered over mTLS)."""
    resident_id = new_resident(settings, city)
    with CounterService(settings, city) as counter:
        issued = counter.issue_card(resident_id, **kwargs)  # type: ignore[arg-type]
    return issued, as_demo_card(issued)


def as_demo_card(issued: IssuedCard, city: str | None = None) -> DemoCard:
    """The card in the shape the e2e helpers take."""
    return DemoCard(issued.label, issued.pin, city or issued.city, issued.resident_id, ("adult",))


def rogue_ca_certificate(settings: Settings, public_key: rsa.RSAPublicKey) -> tuple[bytes, bytes]:
    """(certificate, CA) from a rogue CA that copies the JPKI CA's name but not its key."""
    name = load_jpki_ca(settings.pki).subject
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)

    def build(subject: x509.Name, key: rsa.RSAPublicKey, ca: bool) -> x509.Certificate:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(name)
            .public_key(key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )

    card = build(x509.Name.from_rfc4514_string("CN=ROGUE,O=JPKI,C=JP"), public_key, False)
    ca = build(name, ca_key.public_key(), True)
    return card.public_bytes(Encoding.DER), ca.public_bytes(Encoding.DER)
