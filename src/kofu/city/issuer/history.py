"""A city's issuance log: each number it sealed (or refused after taking it), and how it ended.

An issuance is appended once it is sealed or refused, and again when the city learns how the
order ended (delivered, printed, failed, cancelled). Entries reference the city's own records
(the holder's and the named residents' ids) — what lets a resident be shown what was issued in
their name — and stay in the city's database. Heads are signed with the city's seal key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry.models import Issuance, IssuanceLogEntry, TreeHeadRecord
from kofu.history import log
from kofu.ledger import SignedTreeHead
from kofu.pki.paths import PkiPaths
from kofu.protocol.heads import city_log_id

FIELDS = (
    "order_id",
    "issue_number",
    "doc",
    "copies",
    "fee_total",
    "kiosk_id",
    "holder_resident_id",
    "named_resident_ids",
    "started_at",
    "state",
)


def log_id(city: str) -> str:
    return city_log_id(city)


def table(city: str) -> log.LogTable:
    return log.LogTable(log_id(city), IssuanceLogEntry, FIELDS, TreeHeadRecord)


def state_of(row: Issuance) -> str | None:
    """What the log says of an issuance: its outcome, refused, sealed (None: still rendering)."""
    if row.outcome is not None:
        return row.outcome
    if row.refusal is not None:
        return "refused"
    return "sealed" if row.sealed_at is not None else None


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def record_of(row: Issuance, state: str) -> dict[str, str | int | None]:
    return {
        "order_id": row.order_id,
        "issue_number": row.issue_number,
        "doc": row.doc,
        "copies": row.copies,
        "fee_total": row.fee_total,
        "kiosk_id": row.kiosk_id,
        "holder_resident_id": row.holder_resident_id,
        "named_resident_ids": row.named_resident_ids,
        "started_at": _iso(row.started_at),
        "state": state,
    }


def sequence(db: sessionmaker[Session], city: str, limit: int = 5000) -> int:
    """Append every issuance sealed, refused or ended since it was last logged; how many."""
    try:
        with db.begin() as session:
            rows = session.scalars(
                select(Issuance)
                .where(or_(Issuance.sealed_at.is_not(None), Issuance.refusal.is_not(None)))
                .where(
                    or_(
                        Issuance.logged_state.is_(None),
                        Issuance.outcome.is_not(None) & (Issuance.logged_state != Issuance.outcome),
                    )
                )
                .order_by(Issuance.id)
                .limit(limit)
            ).all()
            todo = [(r, s) for r in rows if (s := state_of(r)) is not None and s != r.logged_state]
            log.append(session, table(city), [record_of(r, s) for r, s in todo])
            for row, state in todo:
                row.logged_state = state
            return len(todo)
    except IntegrityError:
        return 0  # another issuer process sequenced the same entries first


def signing_key(pki: PkiPaths, city: str) -> ec.EllipticCurvePrivateKey:
    from kofu.pki.seal import load_seal

    return load_seal(pki, city)[0]


def public_keys(pki: PkiPaths, city: str) -> dict[str, ec.EllipticCurvePublicKey]:
    """The city's seal keys by key id, the current one first, then those it rotated out."""
    from kofu.ledger import key_id
    from kofu.pki.trust import _city_certificates

    found: dict[str, ec.EllipticCurvePublicKey] = {}
    for cert, _current in _city_certificates(pki, city):
        key = cert.public_key()
        if isinstance(key, ec.EllipticCurvePublicKey):
            found.setdefault(key_id(key), key)
    return found


def publish(db: sessionmaker[Session], pki: PkiPaths, city: str) -> SignedTreeHead:
    """Sequence what changed, then sign and keep the city's head."""
    sequence(db, city)
    with db.begin() as session:
        return log.publish(session, table(city), signing_key(pki, city))
