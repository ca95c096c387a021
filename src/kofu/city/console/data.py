"""What the city console shows, gathered from the city's registry, its gateways and the centre."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from kofu import clock
from kofu.city.issuer import refusals
from kofu.city.issuer.catalog import OFFERS, hours_text
from kofu.city.issuer.eligibility import check_document
from kofu.city.issuer.staff import registry
from kofu.city.registry.juminhyo_code import LENGTH as JUMINHYO_CODE_LENGTH
from kofu.city.registry.juminhyo_code import is_juminhyo_code
from kofu.city.registry.models import Card, Resident
from kofu.city.registry.queries import city_settings
from kofu.config import Settings
from kofu.console import chart, metrics
from kofu.console.web import ConsoleError
from kofu.net.client import call, sync_client
from kofu.pki.tls import client_context
from kofu.protocol import center_gateway
from kofu.protocol.city_center import CITY_STATUS, CITY_STOP, MENU_REFUSED, CityStatus, CityStop
from kofu.protocol.errors import KofuError, Refused
from kofu.telemetry.metrics import targets_dir

LINK_TIMEOUT = 5.0


# -- the centre and the gateways (as the city's issuer) ----------------------------------------


def center_status(settings: Settings, city: str) -> CityStatus:
    with sync_client(
        settings.center_url, client_context(settings.pki, "issuer", city), timeout=LINK_TIMEOUT
    ) as c:
        response = call(c, CITY_STATUS, path={"city_code": city})
    return CityStatus.model_validate_json(response.content)


def center_stop(settings: Settings, city: str, *, stop: bool, by: str, reason: str) -> CityStatus:
    body = CityStop(stop=stop, by=by, reason=reason)
    with sync_client(
        settings.center_url, client_context(settings.pki, "issuer", city), timeout=LINK_TIMEOUT
    ) as c:
        response = call(c, CITY_STOP, body, path={"city_code": city})
    return CityStatus.model_validate_json(response.content)


@dataclass(frozen=True)
class GatewayState:
    url: str
    waiting: int | None
    unpulled: int | None
    error: str | None = None


def gateways(settings: Settings, city: str) -> list[GatewayState]:
    found = []
    context = client_context(settings.pki, "issuer", city)
    for url in settings.gateway_urls(city):
        try:
            with sync_client(url, context, timeout=LINK_TIMEOUT) as c:
                health = center_gateway.GatewayHealth.model_validate_json(
                    call(c, center_gateway.HEALTH).content
                )
            found.append(GatewayState(url, health.waiting, health.unpulled))
        except KofuError as exc:
            found.append(GatewayState(url, None, None, exc.code))
    return found


@dataclass(frozen=True)
class IssuerState:
    name: str
    running: bool
    workers: int


def issuers(settings: Settings, city: str) -> list[IssuerState]:
    """The city's issuer processes this deployment runs (from their pid files) and their workers."""
    found = []
    for n in range(settings.issuers_per_city):
        name = f"issuer-{city}" + (f"-{n}" if n else "")
        pid_file = settings.run_dir / f"{name}.pid"
        running = False
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pid_file.read_text().strip()), 0)
            running = True
        found.append(IssuerState(name, running, settings.issuer_workers))
    return found


@dataclass
class Today:
    status: CityStatus | None
    center_error: str | None
    by_doc: dict[str, Counter[str]] = field(default_factory=dict)
    refusals: Counter[str] = field(default_factory=Counter)
    #: Refusals the city's issuer told at the menu today: document (``*``: the whole menu) →
    #: code → count, once per card session (``kofu.city.issuer.refusals``).
    at_menu: dict[str, Counter[str]] = field(default_factory=dict)
    menu_refusals: Counter[str] = field(default_factory=Counter)
    gateways: list[GatewayState] = field(default_factory=list)
    issuers: list[IssuerState] = field(default_factory=list)


OUTCOMES = ("printed", "refused", "failed", "cancelled", "open")


def today(settings: Settings, city: str) -> Today:
    try:
        status, error = center_status(settings, city), None
    except KofuError as exc:
        status, error = None, exc.code
    view = Today(status, error, gateways=gateways(settings, city), issuers=issuers(settings, city))
    for row in status.today if status else []:
        if row.status == MENU_REFUSED:  # refused by the centre before the city was asked
            view.at_menu.setdefault(row.doc, Counter())[row.outcome or "?"] += row.count
            continue
        kind = row.status if row.status in ("printed", "refused", "failed", "cancelled") else "open"
        view.by_doc.setdefault(row.doc, Counter())[kind] += row.count
        if row.status == "refused" and row.outcome:
            view.refusals[row.outcome] += row.count
    with registry(settings, city) as db:
        for doc, codes in refusals.counts(db, clock.japan_date(clock.now())).items():
            view.at_menu.setdefault(doc, Counter()).update(codes)
    for codes in view.at_menu.values():
        view.menu_refusals.update(codes)
    return view


CHART_WINDOW = dt.timedelta(minutes=15)
ORDERS_COUNTER = "kofu_orders_total"
ORDER_HISTOGRAM = "kofu_order_seconds"


def recent(
    samples: Iterable[metrics.Sample], window: dt.timedelta = CHART_WINDOW, now: dt.datetime | None = None
) -> tuple[chart.Minutes, dict[str, int]]:
    """The orders the city's issuers answered, minute by minute over the window, with the time
    each took (p50/p99), and the refusals among them by code: from the issuers'
    ``kofu_orders_total{doc,outcome}`` and ``kofu_order_seconds`` as the console scraped them."""
    samples = list(samples)
    orders = metrics.window(
        samples,
        counter=ORDERS_COUNTER,
        histogram=ORDER_HISTOGRAM,
        group=lambda _name, _labels: "all",
        span=window,
        now=now,
    )
    refused = metrics.window(
        samples,
        counter=ORDERS_COUNTER,
        group=lambda _name, labels: None if labels.get("outcome") == "issued" else labels.get("outcome"),
        span=window,
        now=now,
    )
    codes = {code: round(refused.total(code)) for code in sorted(refused.counts)}
    return orders.minutes("all"), {code: n for code, n in codes.items() if n}


def metrics_targets(settings: Settings, city: str) -> metrics.Targets:
    """The city's issuer processes: each serves ``/metrics`` on a loopback listener of its own
    and writes where to ``var/telemetry/targets/issuer-<city>.<pid>.json`` (Prometheus' file
    service discovery), read again at every scrape as issuers come and go."""

    def targets() -> list[metrics.Target]:
        found = []
        for path in sorted(targets_dir(settings.var_dir).glob(f"issuer-{city}.*.json")):
            with contextlib.suppress(OSError, ValueError, KeyError, IndexError, TypeError):
                address = json.loads(path.read_text())[0]["targets"][0]
                found.append(metrics.Target(path.stem, f"http://{address}/metrics"))
        return found

    return targets


# -- settings and the menu they make -------------------------------------------------------------


@dataclass(frozen=True)
class PreviewEntry:
    doc: str
    title_ja: str
    title_en: str
    fee: int
    hours: str | None
    open_now: bool
    refusal: str | None


def menu_preview(settings: Settings, city: str) -> tuple[list[PreviewEntry], int, list[int]]:
    """What the kiosk's next menu of this city lists (documents offered, with their fee and
    whether they are open now), its copy limit and 課税 years — from the live settings, through
    the issuer's own rule (``check_document``)."""
    now = clock.now()
    with registry(settings, city) as db, db() as session:
        setting = city_settings(session, city)
        if setting is None:
            raise Refused("city.unavailable", "no settings for this city")
        entries = []
        for d in setting.documents:
            if not d.offered:
                continue
            try:
                check_document(setting, d.doc, now)
                refusal = None
            except Refused as exc:
                refusal = exc.code
            offer = OFFERS[d.doc]
            entries.append(
                PreviewEntry(
                    d.doc, offer.title_ja, offer.title_en, d.fee, hours_text(d), refusal is None, refusal
                )
            )
        return entries, setting.copy_limit, sorted(setting.kazei_fiscal_years or [])


# -- residents at the counter -------------------------------------------------------------------

REF = re.compile(r"(?P<city>[0-9]{6})-(?P<id>[0-9]{1,9})")


def resident_ref(city: str, resident_id: int) -> str:
    """A resident in a console URL: the city's code and its registry id (``132292-5``)."""
    return f"{city}-{resident_id}"


def parse_ref(city: str, ref: str) -> int:
    """The registry id of a console reference; one of another city is refused."""
    match = REF.fullmatch(ref)
    if match is None:
        raise ConsoleError("console.resident.unknown", 404, "not a resident reference")
    if match["city"] != city:
        raise ConsoleError("console.resident.other_city", 403, "a resident of another city")
    return int(match["id"])


#: An 11-digit query that is not a valid 住民票コード (its 検査数字 does not match).
JUMINHYO_CODE_INVALID = "console.juminhyo_code.invalid"


@dataclass(frozen=True)
class ResidentRow:
    ref: str
    id: int
    juminhyo_code: str
    name: str
    kana: str
    birth_date: date
    address: str
    status: str
    cards: list[dict[str, Any]]


def _row(city: str, r: Resident, cards: list[Card]) -> ResidentRow:
    return ResidentRow(
        resident_ref(city, r.id),
        r.id,
        r.juminhyo_code,
        r.name,
        r.kana,
        r.birth_date,
        r.household.address.full_text,
        r.status,
        [{"label": c.label, "status": c.status, "issued_on": c.issued_on} for c in cards],
    )


def search_residents(
    settings: Settings, city: str, query: str, born: date | None, limit: int = 30
) -> list[ResidentRow]:
    """Residents by (part of) their name or its reading, their birth date, their registry id, or
    their 住民票コード (eleven digits, exactly). Eleven digits whose 検査数字 does not match are
    refused (``JUMINHYO_CODE_INVALID``) rather than searched as an id."""
    query = query.strip().replace(" ", "").replace("\u3000", "")
    if query.isdigit():
        query = unicodedata.normalize("NFKC", query)  # full-width digits typed with an IME
    if len(query) == JUMINHYO_CODE_LENGTH and query.isdigit() and not is_juminhyo_code(query):
        raise ConsoleError(JUMINHYO_CODE_INVALID, 400)
    with registry(settings, city) as db, db() as session:
        stmt = select(Resident)
        if len(query) == JUMINHYO_CODE_LENGTH and query.isdigit():
            stmt = stmt.where(Resident.juminhyo_code == query)
        elif query.isdigit():
            stmt = stmt.where(Resident.id == int(query))
        elif query:
            like = f"%{query}%"
            stmt = stmt.where(
                or_(
                    (Resident.family_name + Resident.given_name).like(like),
                    (Resident.family_kana + Resident.given_kana).like(like),
                )
            )
        if born is not None:
            stmt = stmt.where(Resident.birth_date == born)
        if not query and born is None:
            return []
        residents = session.scalars(stmt.order_by(Resident.id).limit(limit)).all()
        return [_row(city, r, _cards(session, r.id)) for r in residents]


def _cards(session: Any, resident_id: int) -> list[Card]:
    return list(session.scalars(select(Card).where(Card.resident_id == resident_id).order_by(Card.id)).all())


def resident(settings: Settings, city: str, resident_id: int) -> ResidentRow:
    with registry(settings, city) as db, db() as session:
        r = session.get(Resident, resident_id)
        if r is None:
            raise ConsoleError("console.resident.unknown", 404, "no such resident in this city")
        return _row(city, r, _cards(session, r.id))


def card_holder(settings: Settings, city: str, label: str) -> int | None:
    with registry(settings, city) as db, db() as session:
        card = session.scalars(select(Card).where(Card.label == label)).first()
        return card.resident_id if card is not None else None


# -- 利用登録: what the applicant typed against the register ---------------------------------


def registration_view(settings: Settings, city: str) -> list[dict[str, Any]]:
    from kofu.city.issuer.staff import list_registrations
    from kofu.city.registry.queries.koseki import find_member, koseki_by_honseki

    rows = list_registrations(settings, city)
    views = []
    with registry(settings, city) as db, db() as session:
        for r in rows:
            register = koseki_by_honseki(session, r.honseki, r.hittosha)
            match = None
            if register is not None and r.applicant_name and r.applicant_birth_date:
                match = find_member(register, r.applicant_name, r.applicant_birth_date)
            members = [
                {
                    "name": m.name,
                    "birth_date": m.birth_date,
                    "removed": m.removed,
                    "matches": match is not None and m.id == match.id,
                }
                for m in (register.members if register is not None else [])
            ]
            views.append(
                {
                    "row": r,
                    "register": {"honseki": register.honseki, "hittosha": register.hittosha}
                    if register
                    else None,
                    "members": members,
                    "matched": match is not None,
                }
            )
    return views
