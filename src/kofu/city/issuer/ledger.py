"""The issuer's side of the tamper-evident issuance log: 本人通知 and the exchange of heads.

``notices``: what the city issued in the card holder's name — as the holder, or named on the
document as a member of the household — in the last 12 months, read from the city's issuance
log (brought up to date first) and sent back in an HPKE envelope for the kiosk's key, as a
document is. Only the holder's own resident id is looked for: a card sees its own entries and
nobody else's. Nothing of it is kept on the way (the centre and the kiosk only relay it).

``heads``: the centre hands over its latest signed head, which the city keeps once its signature
checks with the centre's key; the city signs its own log's head and answers with it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kofu import clock
from kofu.city.issuer import history as city_log
from kofu.city.issuer import issuances
from kofu.city.issuer.catalog import OFFERS
from kofu.city.issuer.subject import Subject, load_subject
from kofu.city.registry.models import IssuanceLogEntry
from kofu.history import log
from kofu.protocol.center_gateway import CityResponse, HeadsCall, NoticeCall
from kofu.protocol.envelope import envelope_notices
from kofu.protocol.errors import ProtocolViolation, Refused

if TYPE_CHECKING:
    from kofu.city.issuer.service import IssuerService

#: How far back a resident sees what was issued in their name.
NOTICE_WINDOW = timedelta(days=365)
#: Entries of a document that was issued (sealed for a kiosk and not ended without a print).
_ISSUED = frozenset({"sealed", "delivered", "paid", "printed"})


def handle(service: IssuerService, request: NoticeCall | HeadsCall) -> CityResponse:
    """Answer a notices or heads request."""
    if isinstance(request, NoticeCall):
        return CityResponse(request_id=request.request_id, envelope=_notices(service, request))
    return CityResponse(request_id=request.request_id, head=_heads(service, request))


def record_named(session: Session, order_id: str, subject: Subject, names: list[str]) -> None:
    """Record on the order's issuance row every resident of the holder's household the document
    names (the holder always), in the caller's transaction, before it is sealed."""
    row = issuances.find(session, order_id)
    if row is None:
        return
    printed = set(names)
    named = set(json.loads(row.named_resident_ids or "[]"))
    named |= {r.id for r in subject.household if r.name in printed}
    row.named_resident_ids = json.dumps(sorted(named))


def _notices(service: IssuerService, request: NoticeCall) -> bytes:
    city_log.sequence(service.db, service.city_code)
    since = clock.now_utc() - NOTICE_WINDOW
    with service.db() as session:
        subject = load_subject(session, request.card_serial)
        if subject.resident is None and subject.register is None:
            raise Refused("card.unknown", "this card is not known to the city")
        city_name = service._setting(session).city_name
        latest: dict[str, IssuanceLogEntry] = {}
        if subject.resident is not None:
            for entry in session.scalars(select(IssuanceLogEntry).order_by(IssuanceLogEntry.leaf_index)):
                latest[entry.order_id] = entry
        mine = subject.resident.id if subject.resident is not None else None
    found = []
    for entry in latest.values():
        named = set(json.loads(entry.named_resident_ids or "[]"))
        holder = entry.holder_resident_id == mine
        if mine is None or not (holder or mine in named) or entry.state not in _ISSUED:
            continue
        started = clock.in_japan(_parse(entry.started_at))
        if started < since:
            continue
        offer = OFFERS.get(entry.doc)
        found.append(
            {
                "date": started.date().isoformat(),
                "doc": entry.doc,
                "title": offer.title_ja if offer else entry.doc,
                "title_en": offer.title_en if offer else entry.doc,
                "kiosk": entry.kiosk_id,
                "store": entry.kiosk_id,  # what kiosks that predate "kiosk" show
                "city": city_name,
                "city_code": service.city_code,
                "as": "holder" if holder else "named",
                "printed": "yes" if entry.state == "printed" else "no",
            }
        )
    found.sort(key=lambda e: (e["date"], e["doc"]), reverse=True)
    return envelope_notices(found, request.notice_key, service.city_code, request.card_serial)


def _heads(service: IssuerService, request: HeadsCall) -> str:
    from cryptography import x509

    from kofu.ledger import InvalidHead, SignedTreeHead, verify_head
    from kofu.pki.trust import signer_cert_path
    from kofu.protocol.heads import CENTER_LOG_ID as LOG_ID

    if request.center_head is not None:
        try:
            sth = SignedTreeHead.from_json(request.center_head)
            anchor = x509.load_pem_x509_certificate(signer_cert_path(service.pki).read_bytes())
            verify_head(anchor.public_key(), sth, log_id=LOG_ID)  # type: ignore[arg-type]
        except (InvalidHead, OSError, ValueError) as exc:
            raise ProtocolViolation("history.head.invalid", "the centre's head does not verify") from exc
        with service.db.begin() as session:
            log.keep(session, city_log.table(service.city_code).heads, sth)
    return city_log.publish(service.db, service.pki, service.city_code).to_json()


def _parse(text: str):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(text)
