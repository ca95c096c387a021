"""The centre's history log: every order as it ended, appended in the order it ended.

An order is appended once it reaches an end (printed, refused, failed, cancelled), and again if
a late kiosk report changes that end (an order the centre swept as failed that was printed
after all). The fields are those of the history row without anything personal: order id,
times, kiosk, store, city, type, copies, fee, status, outcome, amount paid, copies printed.
Heads are signed with the centre's key (the trust-list signer of ``kofu.pki.trust``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kofu.center.models import HistoryEntry, Order, TreeHeadRecord
from kofu.center.outcomes import TERMINAL
from kofu.history import log
from kofu.ledger import SignedTreeHead
from kofu.pki.paths import PkiPaths
from kofu.protocol.heads import CENTER_LOG_ID

LOG_ID = CENTER_LOG_ID
FIELDS = (
    "order_id",
    "created_at",
    "finished_at",
    "kiosk_id",
    "store_id",
    "city_code",
    "doc",
    "copies",
    "fee_total",
    "status",
    "outcome",
    "amount_paid",
    "copies_printed",
)
TABLE = log.LogTable(LOG_ID, HistoryEntry, FIELDS, TreeHeadRecord)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def record_of(order: Order) -> dict[str, str | int | None]:
    return {
        "order_id": order.order_id,
        "created_at": _iso(order.created_at),
        "finished_at": _iso(order.finished_at),
        "kiosk_id": order.kiosk_id,
        "store_id": order.store_id,
        "city_code": order.city_code,
        "doc": order.doc,
        "copies": order.copies,
        "fee_total": order.fee_total,
        "status": order.status,
        "outcome": order.outcome,
        "amount_paid": order.amount_paid,
        "copies_printed": order.copies_printed,
    }


def sequence(db: sessionmaker[Session], limit: int = 5000) -> int:
    """Append every order that ended (or ended otherwise) since it was last logged; how many."""
    try:
        with db.begin() as session:
            ended = session.scalars(
                select(Order)
                .where(
                    Order.status.in_(sorted(TERMINAL)),
                    or_(Order.logged_status.is_(None), Order.logged_status != Order.status),
                )
                .order_by(Order.finished_at, Order.order_id)
                .limit(limit)
            ).all()
            log.append(session, TABLE, [record_of(o) for o in ended])
            for order in ended:
                order.logged_status = order.status
            return len(ended)
    except IntegrityError:
        return 0  # another centre process sequenced the same entries first


def signing_key(pki: PkiPaths) -> ec.EllipticCurvePrivateKey:
    from kofu.pki.trust import load_signer

    return load_signer(pki)[0]


def public_keys(pki: PkiPaths) -> dict[str, ec.EllipticCurvePublicKey]:
    """The centre's key by key id (one: the trust-list key)."""
    from kofu.ledger import key_id

    key = signing_key(pki).public_key()
    return {key_id(key): key}


def city_key_lookup(pki: PkiPaths):  # type: ignore[no-untyped-def]
    """City code → the public key its issuance log's heads are signed with (its seal certificate)."""
    from kofu.pki._files import read_certificate

    def lookup(city: str) -> ec.EllipticCurvePublicKey:
        key = read_certificate(pki.seal_cert(city)).public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise LookupError(city)
        return key

    return lookup


def publish(db: sessionmaker[Session], pki: PkiPaths) -> SignedTreeHead:
    """Sequence what ended, then sign and keep the head (the centre's interval and on demand)."""
    sequence(db)
    with db.begin() as session:
        return log.publish(session, TABLE, signing_key(pki))


def find(session: Session, order_id: str) -> list[HistoryEntry]:
    """The entries of an order, oldest first."""
    return list(
        session.scalars(
            select(HistoryEntry).where(HistoryEntry.order_id == order_id).order_by(HistoryEntry.leaf_index)
        )
    )
