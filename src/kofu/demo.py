"""Setting up the demo: PKI, each city's registry, virtual cards, the centre's routes.

This is the work that, in reality, J-LIS and each city do over years (issuing cards, keeping
registries); here one command does it with synthetic residents. The demo card index
(`var/cards/demo.json`) lists label, PIN, city, resident id and traits — the resident's name is
read live from the city's registry when `kofu cards` asks, never copied out of it.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date

from cryptography.hazmat.primitives.serialization import Encoding

from kofu.card.state import CardState, CardStore
from kofu.center import routing
from kofu.center.models import Base as CenterBase
from kofu.city.registry.db import create_schema, session_factory
from kofu.city.registry.models import Resident
from kofu.city.registry.seed import CITIES, register_card, seed_city
from kofu.config import Settings
from kofu.pki.init import init_pki
from kofu.pki.jpki import issue_card_certificate, load_jpki_ca
from kofu.storage import make_engine

CARD_PREFIX = {"132292": "NT", "132110": "KD"}
ADULT_AGE = 18


@dataclass(frozen=True)
class DemoCard:
    """A demo card as `kofu cards --json` lists it (name filled in from the registry)."""

    card: str
    pin: str
    city: str
    resident_id: int
    traits: tuple[str, ...]


def kiosk_ids(settings: Settings, extra: int = 0) -> list[str]:
    """The UI kiosk and `extra` headless kiosks (for `kofu bench`)."""
    return [settings.kiosk_id] + [f"K9{n:03d}" for n in range(1, extra + 1)]


def index_path(settings: Settings) -> str:
    return str(settings.cards_dir / "demo.json")


def is_seeded(settings: Settings) -> bool:
    return (settings.cards_dir / "demo.json").exists()


def setup(settings: Settings, *, bench_kiosks: int = 64) -> list[DemoCard]:
    """Create everything that is missing; idempotent (an existing demo is kept as it is)."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    init_pki(settings.pki, cities=settings.cities, kiosks=kiosk_ids(settings, bench_kiosks))
    center_db = session_factory(make_engine(settings.center_db_url()))
    CenterBase.metadata.create_all(center_db.kw["bind"])
    for code in settings.cities:
        routing.ensure_city(center_db, code, CITIES[code].name)
    if is_seeded(settings):
        return load_index(settings)
    cards: list[DemoCard] = []
    for code in settings.cities:
        cards.extend(_seed_city(settings, code, center_db))
    _write_index(settings, cards)
    return cards


def _seed_city(settings: Settings, code: str, center_db) -> list[DemoCard]:  # type: ignore[no-untyped-def]
    engine = make_engine(settings.city_db_url(code))
    create_schema(engine)
    db = session_factory(engine)
    rng = random.Random(f"kofu.demo.pins:{code}:{settings.seed}")
    store = CardStore(settings.cards_dir)
    with db.begin() as session:
        people = seed_city(
            session, code, seed=settings.seed, households=settings.households, as_of=date.today()
        )
    adults = [p for p in people if p.age >= ADULT_AGE]
    labels = [f"{CARD_PREFIX.get(code, code)}-{i:04d}" for i in range(1, len(adults) + 1)]
    pins = [f"{rng.randrange(10000):04d}" for _ in adults]
    with ThreadPoolExecutor(max_workers=4) as pool:  # key generation happens "on the card"
        states = list(pool.map(CardState.generate, labels, pins))
    ca_der = load_jpki_ca(settings.pki).public_bytes(Encoding.DER)
    cards: list[DemoCard] = []
    with db.begin() as session:
        for person, state in zip(adults, states, strict=True):
            certificate = issue_card_certificate(settings.pki, state.public_key())
            serial = format(certificate.serial_number, "X")
            store.save(state)
            store.install_certificate(state.label, certificate.public_bytes(Encoding.DER), ca_der)
            register_card(session, person.resident_id, serial, state.label)
            routing.register_route(center_db, serial, code)
            cards.append(DemoCard(state.label, state.auth_pin, code, person.resident_id, person.traits))
    engine.dispose()
    return cards


def _write_index(settings: Settings, cards: list[DemoCard]) -> None:
    path = settings.cards_dir / "demo.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(c) for c in cards], ensure_ascii=False, indent=1))
    tmp.chmod(0o600)
    tmp.replace(path)


def load_index(settings: Settings) -> list[DemoCard]:
    """The demo cards made by `setup`."""
    raw = json.loads((settings.cards_dir / "demo.json").read_text())
    return [DemoCard(c["card"], c["pin"], c["city"], c["resident_id"], tuple(c["traits"])) for c in raw]


def with_names(settings: Settings, cards: list[DemoCard]) -> list[dict[str, object]]:
    """The cards as dicts with the resident's registered name, read from each city's registry."""
    names: dict[tuple[str, int], str] = {}
    for code in {c.city for c in cards}:
        engine = make_engine(settings.city_db_url(code))
        with session_factory(engine)() as session:
            for resident in session.query(Resident).all():
                names[(code, resident.id)] = resident.name
        engine.dispose()
    return [
        {**asdict(c), "traits": list(c.traits), "name": names.get((c.city, c.resident_id), "")} for c in cards
    ]
