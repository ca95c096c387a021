"""Setting up the demo: PKI, each city's registry, virtual cards, the centre's routes.

This is the work that, in reality, J-LIS and each city do over years (issuing cards, keeping
registries); here one command does it with synthetic residents. The demo card index
(`var/cards/demo.json`) lists label, PIN, city, resident id and traits — the resident's name is
read live from the city's registry when `kofu cards` asks, never copied out of it.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import time, timedelta

from cryptography.hazmat.primitives.serialization import Encoding

from kofu import clock
from kofu.card.state import CardState
from kofu.card.store import CardStore
from kofu.center import routing
from kofu.center.migrate import upgrade as upgrade_center
from kofu.city.registry.db import create_schema, session_factory
from kofu.city.registry.models import CARD_ACTIVE, Card, CardRecord, DocumentSetting, Resident
from kofu.city.registry.queries import apply_registration, approve_registration
from kofu.city.registry.seed import CITIES, SeededPerson, register_card, seed_city
from kofu.config import Settings
from kofu.files import write_atomic
from kofu.pki.init import init_pki
from kofu.pki.jpki import issue_card_certificate, load_jpki_ca
from kofu.pki.stores import Store, write_stores
from kofu.progress import Progress
from kofu.protocol.kiosk_screen import DeviceCard
from kofu.storage import make_engine

CARD_PREFIX = {"132292": "NT", "132110": "KD"}
ADULT_AGE = 18
#: Kinds a kiosk refuses outright; such residents are not given a 利用登録 or the child card.
REFUSAL_TRAITS = frozenset({"moved-out", "deceased", "dv-protected", "pending-change"})
#: Cards per city whose 利用登録 at the other demo city is approved at setup.
PREAPPROVED_PER_CITY = 2
#: Demo cards per city: every adult of a demo-sized city; in a large one, this many (plenty for
#: `kofu bench --kiosks 64`) and enough holders of every trait for the demo and the tests. Each
#: card makes two RSA-2048 keys, so a card for each of 100,000 residents would take hours.
CARDS_PER_CITY = 96
#: In a large city, at least this many cards for each trait (where the city has such adults).
CARDS_PER_TRAIT = 4
#: Households (or residents) from which seeding shows its progress.
PROGRESS_FROM = 2000


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


#: The demo's store chains (id, name) and the towns of their stores: synthetic, like the residents.
DEMO_CHAINS = (("kofu-mart", "コフマート"), ("hikari", "ひかりストア"), ("machikado", "まちかどマート"))
DEMO_TOWNS = ("西東京田無", "西東京ひばりが丘", "小平花小金井", "小平一橋学園", "西東京保谷", "小平小川")


def demo_stores(ids: list[str]) -> list[Store]:
    """A store for each kiosk id: the first is 「コフマート 西東京田無店」, the others spread over
    the demo chains and towns (two kiosks may stand in one store of a chain)."""
    stores = []
    for n, kiosk_id in enumerate(ids):
        place = n % (len(DEMO_CHAINS) * len(DEMO_TOWNS))
        chain, chain_name = DEMO_CHAINS[place % len(DEMO_CHAINS)]
        town = DEMO_TOWNS[place // len(DEMO_CHAINS)]
        stores.append(Store(kiosk_id, f"S{place + 1:04d}", f"{chain_name} {town}店", chain, chain_name))
    return stores


def is_seeded(settings: Settings) -> bool:
    return (settings.cards_dir / "demo.json").exists()


def setup(settings: Settings, *, bench_kiosks: int = 64) -> list[DemoCard]:
    """Create everything that is missing; idempotent (an existing demo is kept as it is)."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    init_pki(settings.pki, cities=settings.cities, kiosks=kiosk_ids(settings, bench_kiosks))
    if not settings.stores_file.exists():  # the centre's operators keep it; the demo starts one
        write_stores(settings.stores_file, demo_stores(kiosk_ids(settings, bench_kiosks)))
    center_engine = make_engine(settings.center_db_url())
    upgrade_center(center_engine)
    center_db = session_factory(center_engine)
    for code in settings.cities:
        routing.ensure_city(center_db, code, CITIES[code].name)
    if is_seeded(settings):
        return load_index(settings)
    cards: list[DemoCard] = []
    registrable: list[tuple[str, str, SeededPerson]] = []
    for code in settings.cities:
        cards.extend(_seed_city(settings, code, center_db, registrable))
    cards = _preapprove(settings, cards, registrable, center_db)
    _write_index(settings, cards)
    return cards


def _card_holders(people: list[SeededPerson]) -> list[SeededPerson]:
    """The adults who get a demo card (all of them in a demo-sized city, see ``CARDS_PER_CITY``),
    then one child of 12–14 (My Number Cards exist for children; kiosks refuse them, which the
    demo must be able to show). Household heads whom nothing is refused come first, so the first
    cards of a city (NT-0001 …, the README's examples) are such a head on whatever day the demo
    is seeded. Other residents get a card at the city counter when one is wanted."""
    adults = sorted((p for p in people if p.age >= ADULT_AGE), key=_plain_head_first)
    child = next((p for p in people if 12 <= p.age < 15 and not REFUSAL_TRAITS & set(p.traits)), None)
    return _few_of_each(adults) + ([child] if child is not None else [])


def _few_of_each(adults: list[SeededPerson]) -> list[SeededPerson]:
    """The first ``CARDS_PER_CITY`` adults, and after them whoever still brings a trait that
    fewer than ``CARDS_PER_TRAIT`` chosen adults have (in the order given)."""
    if len(adults) <= CARDS_PER_CITY:
        return adults
    chosen: list[SeededPerson] = []
    held: dict[str, int] = {}
    for person in adults:
        if len(chosen) >= CARDS_PER_CITY and all(held.get(t, 0) >= CARDS_PER_TRAIT for t in person.traits):
            continue
        chosen.append(person)
        for trait in person.traits:
            held[trait] = held.get(trait, 0) + 1
    return chosen


def _plain_head_first(person: SeededPerson) -> int:
    plain = not (REFUSAL_TRAITS | {"long-address"}) & set(person.traits)
    return 0 if plain and "household-head" in person.traits else 1


def _preapprove(settings: Settings, cards: list[DemoCard], candidates, center_db) -> list[DemoCard]:  # type: ignore[no-untyped-def]
    """Approve a 利用登録 at the 本籍地 city for a few cards per city whose register is kept in the
    other demo city (as if applied for a week ago), so its koseki and fuhyo can be ordered at once;
    the other honseki-elsewhere cards stay unregistered."""
    approved: set[str] = set()
    per_city: dict[str, int] = {}
    today = clock.today()
    for serial, label, person in candidates:
        target = person.honseki_city_code
        if target not in settings.cities or per_city.get(person.city_code, 0) >= PREAPPROVED_PER_CITY:
            continue
        engine = make_engine(settings.city_db_url(target))
        with session_factory(engine).begin() as session:
            registration = apply_registration(
                session,
                cert_serial_hex=serial,
                residence_city_code=person.city_code,
                honseki=person.honseki or "",
                hittosha=person.hittosha or "",
                on=today - timedelta(days=7),
                applicant_name=person.name,
                applicant_birth_date=person.birth_date,
            )
            approve_registration(session, registration.id, on=today - timedelta(days=2))
        engine.dispose()
        routing.register_route(center_db, serial, person.city_code, target)
        per_city[person.city_code] = per_city.get(person.city_code, 0) + 1
        approved.add(label)
    return [replace(c, traits=(*c.traits, "honseki-registered")) if c.card in approved else c for c in cards]


def _seed_city(settings: Settings, code: str, center_db, registrable) -> list[DemoCard]:  # type: ignore[no-untyped-def]
    engine = make_engine(settings.city_db_url(code))
    create_schema(engine)
    db = session_factory(engine)
    rng = random.Random(f"kofu.demo.pins:{code}:{settings.seed}")
    store = CardStore(settings.cards_dir)
    today = clock.today()  # Japan's day, whatever the host's zone: ages and dates are drawn against it
    planning: list[Progress] = []

    def planned(done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if not planning:
            planning.append(Progress(f"kofu seed: planning {total // 2:,} households", total))
        planning[0].update(done)

    with db.begin() as session:
        people = seed_city(
            session, code, seed=settings.seed, households=settings.households, as_of=today, progress=planned
        )
        _open_around_the_clock(session, code)
    if planning:
        planning[0].close()
    adults = _card_holders(people)
    labels = [f"{CARD_PREFIX.get(code, code)}-{i:04d}" for i in range(1, len(adults) + 1)]
    pins = [f"{rng.randrange(10000):04d}" for _ in adults]
    bar = Progress(f"kofu seed: {code}: {len(people):,} residents, cards", len(adults))
    with ProcessPoolExecutor() as pool:  # key generation happens "on the card"; one process per core
        states = []
        for state in pool.map(CardState.generate, labels, pins):
            states.append(state)
            if len(people) >= PROGRESS_FROM:
                bar.update(len(states))
    if len(people) >= PROGRESS_FROM:
        bar.close()
    ca_der = load_jpki_ca(settings.pki).public_bytes(Encoding.DER)
    cards: list[DemoCard] = []
    with db.begin() as session:
        for person, state in zip(adults, states, strict=True):
            certificate = issue_card_certificate(settings.pki, state.public_key(), city=code)
            serial = format(certificate.serial_number, "X")
            store.save(state)
            store.install_certificate(state.label, certificate.public_bytes(Encoding.DER), ca_der)
            card = register_card(session, person.resident_id, serial, state.label, issued_on=today)
            session.add(  # the administration key: only this city can unblock the card
                CardRecord(
                    card_id=card.id,
                    cert_serial_hex=serial,
                    admin_key_hex=state.admin_key.hex(),
                    auth_not_after=certificate.not_valid_after_utc,
                    recorded_on=today,
                )
            )
            routing.register_route(center_db, serial, code)
            cards.append(DemoCard(state.label, state.auth_pin, code, person.resident_id, person.traits))
            plain = person.age >= ADULT_AGE and not REFUSAL_TRAITS & set(person.traits)
            if plain and "honseki-elsewhere" in person.traits:
                registrable.append((serial, state.label, person))
    engine.dispose()
    return cards


def _open_around_the_clock(session, code: str) -> None:  # type: ignore[no-untyped-def]
    """Demo cities issue at any hour (real ones: 6:30–23:00), so the demo and the tests work
    whenever they run; `kofu city settings set --doc D --hours 06:30-23:00` brings the real hours
    back. Likewise the year-end closure (29 Dec–3 Jan) is off for the demo cities
    (`--year-end-closed on` brings it back)."""
    for document in session.query(DocumentSetting).filter_by(city_code=code):
        document.opens_at, document.closes_at = time.min, time.max
        document.year_end_closed = False


def _write_index(settings: Settings, cards: list[DemoCard]) -> None:
    text = json.dumps([asdict(c) for c in cards], ensure_ascii=False, indent=1)
    write_atomic(settings.cards_dir / "demo.json", text.encode("utf-8"), 0o600)


def load_index(settings: Settings) -> list[DemoCard]:
    """The demo cards made by `setup`."""
    raw = json.loads((settings.cards_dir / "demo.json").read_text())
    return [DemoCard(c["card"], c["pin"], c["city"], c["resident_id"], tuple(c["traits"])) for c in raw]


def wallet(settings: Settings) -> list[DemoCard]:
    """Every card of the demo's virtual wallet: the seeded cards, then the cards city counters
    issued since (``kofu counter card issue``), each read from its city's registry and the
    card's own memory (an emulated card knows its PIN; a real one never tells)."""
    cards = load_index(settings) if is_seeded(settings) else []
    known = {c.card for c in cards}
    store = CardStore(settings.cards_dir)
    stored = set(store.labels())
    for code in settings.cities:
        engine = make_engine(settings.city_db_url(code))
        try:
            with session_factory(engine)() as session:
                rows = session.query(Card).filter(Card.status == CARD_ACTIVE).order_by(Card.id).all()
                issued = [
                    (r.label, r.resident_id) for r in rows if r.label in stored and r.label not in known
                ]
        finally:
            engine.dispose()
        for label, resident_id in issued:
            pin = store.load(label).auth_pin
            cards.append(DemoCard(label, pin, code, resident_id, ("counter-issued",)))
    return cards


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


class DemoCardPanel:
    """The demo kiosk's card panel: the wallet's cards, each with its holder's registered name and
    city, read live when the panel is opened. PINs stay out of it: `kofu up` and `kofu cards`
    print them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def cards(self) -> list[DeviceCard]:
        listed = with_names(self.settings, wallet(self.settings))
        return [
            DeviceCard(
                card=str(c["card"]),
                name=str(c["name"]),
                city_name=CITIES[str(c["city"])].name if str(c["city"]) in CITIES else str(c["city"]),
            )
            for c in listed
        ]


def card_panel(settings: Settings) -> DemoCardPanel:
    """``KOFU_CARD_PANEL=kofu.demo:card_panel``: what `kofu up` gives its kiosk's simulated slot."""
    return DemoCardPanel(settings)
