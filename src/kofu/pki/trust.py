"""The trust list: which seal certificates may sign documents, signed by the centre.

Format (``kofu-trust-list/1``), one JSON object::

    {"format": "kofu-trust-list/1",
     "payload": base64(canonical JSON, below),
     "signature": base64(DER ECDSA P-256 / SHA-256 over the payload bytes),
     "signer": PEM certificate of the centre's trust-list key}

    payload = {"issued_at": ISO, "next_update": ISO, "lgpki_ca": PEM,
               "cities": [{"code", "name", "seals": [{"kid": hex16, "certificate": PEM,
                           "not_before": ISO, "not_after": ISO, "current": bool}]}],
               "revoked": [{"kid": hex16, "city", "revoked_at": ISO, "reason"}],
               "verify_url": URL of the public verification page (optional),
               "stores": [{"kiosk", "store", "name", "chain", "chain_name"}] (optional)}

``stores`` is the kiosk directory (:mod:`kofu.pki.stores`): where each kiosk stands, so a kiosk
can name the store of each document in a resident's 本人通知. A list signed without it verifies
as before and lists no store.

A verifier pins the signer certificate (``var/pki/trust/signer.pem`` or one it was given) and
checks the signature before using anything in the list; each seal certificate must be issued by
the LGPKI-like CA named in the list and hash to its kid. Past certificates stay listed after a
rotation so documents sealed before it still verify; a revoked kid fails every document it sealed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kofu.files import write_atomic
from kofu.pki._files import (
    file_lock,
    read_certificate,
    read_private_key,
    write_certificate,
    write_private_key,
)
from kofu.pki.ca import CA_VALIDITY, load_or_create_lgpki_ca, utcnow, valid_from
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths, safe_name
from kofu.pki.seal import ensure_seal
from kofu.pki.stores import Store, StoreDirectory, StoreDirectoryError

log = logging.getLogger(__name__)

FORMAT = "kofu-trust-list/1"
NEXT_UPDATE = dt.timedelta(hours=1)
SIGNER_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kofu centre"),
        x509.NameAttribute(NameOID.COMMON_NAME, "kofu trust list signer"),
    ]
)


class TrustListError(PkiError):
    """A trust list that is unsigned, signed by the wrong key, or inconsistent."""


def seal_kid(cert: x509.Certificate) -> bytes:
    """The key id of a seal certificate: first 8 bytes of SHA-256 of its DER (as EU DCC does)."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()[:8]


# -- files -------------------------------------------------------------------------------------
def signer_cert_path(paths: PkiPaths) -> Path:
    """The trust-list signer certificate: the anchor verifiers pin."""
    return paths.root / "trust" / "signer.pem"


def signer_key_path(paths: PkiPaths) -> Path:
    """The centre's trust-list signing key (mode 0600)."""
    return paths.root / "trust" / "signer.key"


def revoked_path(paths: PkiPaths) -> Path:
    """The revoked seal kids (JSON list)."""
    return paths.root / "trust" / "revoked.json"


def past_seal_dir(paths: PkiPaths) -> Path:
    """Certificates of seal keys rotated out (their private keys are destroyed)."""
    return paths.root / "seal" / "past"


def ensure_trust_signer(paths: PkiPaths) -> None:
    """Create the centre's trust-list key and self-signed certificate if missing (ECDSA P-256)."""
    cert_path = signer_cert_path(paths)
    if cert_path.exists():
        return
    with file_lock(cert_path.with_suffix(".lock")):
        if cert_path.exists():
            return
        key = ec.generate_private_key(ec.SECP256R1())
        start = valid_from()
        cert = (
            x509.CertificateBuilder()
            .subject_name(SIGNER_SUBJECT)
            .issuer_name(SIGNER_SUBJECT)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + CA_VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        write_private_key(signer_key_path(paths), key)
        write_certificate(cert_path, cert)


def load_signer(paths: PkiPaths) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """The trust-list key and certificate; raise :class:`PkiError` if missing."""
    cert = read_certificate(signer_cert_path(paths))
    key = read_private_key(signer_key_path(paths))
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert.public_key() != key.public_key():
        raise PkiError("trust-list key does not match its certificate")
    return key, cert


def _read_revoked(paths: PkiPaths) -> list[dict[str, str]]:
    path = revoked_path(paths)
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    if not isinstance(data, list):
        raise PkiError(f"{path} is not a JSON list")
    return data


def _seal_lock(paths: PkiPaths, city: str) -> Path:
    return paths.root / "seal" / f"{safe_name(city, 'city code')}.rotate.lock"


def rotate_seal(paths: PkiPaths, city: str) -> tuple[str, str]:
    """Give ``city`` a new seal key and certificate; keep the old certificate as past.

    Documents sealed with the old key keep verifying (its certificate stays in the trust list);
    the old private key is destroyed. Returns ``(old_kid, new_kid)`` in hex.
    """
    cert_path, key_path = paths.seal_cert(city), paths.seal_key(city)
    with file_lock(_seal_lock(paths, city)):
        old = read_certificate(cert_path)
        old_kid = seal_kid(old).hex()
        write_atomic(past_seal_dir(paths) / f"{city}-{old_kid}.pem", cert_path.read_bytes())
        # The issuer retries a seal load that finds the files missing or mismatched.
        cert_path.unlink()
        key_path.unlink(missing_ok=True)
        ensure_seal(paths, city)
        new_kid = seal_kid(read_certificate(cert_path)).hex()
    return old_kid, new_kid


def revoke_seal(paths: PkiPaths, city: str, kid: str, reason: str = "keyCompromise") -> str | None:
    """Revoke the seal certificate ``kid`` of ``city``; every document it sealed reports revoked.

    Revoking the current key rotates first, so the city keeps issuing. Returns the new kid if a
    rotation happened, else None. Raises :class:`PkiError` for a kid the city never had.
    """
    kid = kid.lower()
    known = {seal_kid(c).hex(): current for c, current in _city_certificates(paths, city)}
    if kid not in known:
        raise PkiError(f"{city} has no seal certificate with kid {kid}")
    new_kid = rotate_seal(paths, city)[1] if known[kid] else None
    with file_lock(revoked_path(paths).with_suffix(".lock")):
        revoked = _read_revoked(paths)
        if all(r["kid"] != kid for r in revoked):
            revoked.append({"kid": kid, "city": city, "revoked_at": utcnow().isoformat(), "reason": reason})
            write_atomic(revoked_path(paths), json.dumps(revoked, indent=1).encode())
    return new_kid


def _city_certificates(paths: PkiPaths, city: str) -> list[tuple[x509.Certificate, bool]]:
    found: list[tuple[x509.Certificate, bool]] = []
    if paths.seal_cert(city).exists():
        found.append((read_certificate(paths.seal_cert(city)), True))
    past = past_seal_dir(paths)
    if past.is_dir():
        found += [(read_certificate(p), False) for p in sorted(past.glob(f"{city}-*.pem"))]
    return found


# -- building and signing ----------------------------------------------------------------------
def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def build_trust_list(
    paths: PkiPaths,
    cities: Mapping[str, str],
    now: dt.datetime | None = None,
    verify_url: str = "",
    stores: Mapping[str, Store] | None = None,
) -> dict[str, Any]:
    """The payload of the trust list for ``cities`` (code → name), from the PKI files, with the
    kiosk directory ``stores`` (kiosk id → store) when given."""
    issued = now or utcnow()
    entries = []
    for code, name in cities.items():
        seals = [
            {
                "kid": seal_kid(cert).hex(),
                "certificate": _pem(cert),
                "not_before": cert.not_valid_before_utc.isoformat(),
                "not_after": cert.not_valid_after_utc.isoformat(),
                "current": current,
            }
            for cert, current in _city_certificates(paths, code)
        ]
        entries.append({"code": code, "name": name, "seals": seals})
    return {
        "issued_at": issued.isoformat(),
        "next_update": (issued + NEXT_UPDATE).isoformat(),
        "lgpki_ca": _pem(load_or_create_lgpki_ca(paths).cert),
        "cities": entries,
        "revoked": _read_revoked(paths),
        "verify_url": verify_url,
        **({"stores": [stores[k].as_dict() for k in sorted(stores)]} if stores else {}),
    }


def sign_trust_list(
    payload: Mapping[str, Any], key: ec.EllipticCurvePrivateKey, cert: x509.Certificate
) -> bytes:
    """The signed trust list (JSON bytes) for ``payload``."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    signature = key.sign(body, ec.ECDSA(hashes.SHA256()))
    envelope = {
        "format": FORMAT,
        "payload": base64.b64encode(body).decode(),
        "signature": base64.b64encode(signature).decode(),
        "signer": _pem(cert),
    }
    return json.dumps(envelope, indent=1).encode()


# -- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SealEntry:
    """One seal certificate listed for a city."""

    kid: str
    city: str
    city_name: str
    certificate: x509.Certificate
    not_before: dt.datetime
    not_after: dt.datetime
    current: bool


@dataclass(frozen=True)
class Revocation:
    """A revoked seal certificate."""

    kid: str
    city: str
    revoked_at: str
    reason: str


@dataclass(frozen=True)
class TrustList:
    """A trust list whose signature and contents have been checked."""

    issued_at: dt.datetime
    next_update: dt.datetime
    seals: Mapping[str, SealEntry]
    revoked: Mapping[str, Revocation]
    city_names: Mapping[str, str]
    signer: x509.Certificate = field(repr=False)
    raw: bytes = field(repr=False)
    verify_url: str = ""  # the public verification page, as printed on the back of sheets
    stores: Mapping[str, Store] = field(default_factory=dict)  # kiosk id → where it stands

    def store_of(self, kiosk_id: str) -> Store | None:
        """The store kiosk ``kiosk_id`` stands in, or None if the list does not name it."""
        return self.stores.get(kiosk_id)

    def lookup(self, kid: bytes | str) -> SealEntry | None:
        """The listed seal certificate with key id ``kid``, or None."""
        return self.seals.get(kid.hex() if isinstance(kid, bytes) else kid.lower())

    def revocation(self, kid: bytes | str) -> Revocation | None:
        """The revocation of ``kid``, or None if it is not revoked."""
        return self.revoked.get(kid.hex() if isinstance(kid, bytes) else kid.lower())

    def seal_key(self, city: str, kid: bytes) -> ec.EllipticCurvePublicKey | None:
        """The public seal key ``kid`` of ``city``, if listed for that city and not revoked."""
        entry = self.lookup(kid)
        if entry is None or entry.city != city or self.revocation(kid) is not None:
            return None
        key = entry.certificate.public_key()
        return key if isinstance(key, ec.EllipticCurvePublicKey) else None


def _time(value: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(str(value))


def load_trust_list(blob: bytes, anchor: x509.Certificate | None) -> TrustList:
    """Check and parse a signed trust list.

    ``anchor`` is the pinned signer certificate; with None the list's own signer is used (the
    caller must have obtained it over an authenticated channel). Raises :class:`TrustListError`.
    """
    try:
        envelope = json.loads(blob)
        if envelope.get("format") != FORMAT:
            raise TrustListError(f"not a {FORMAT} document")
        body = base64.b64decode(envelope["payload"], validate=True)
        signature = base64.b64decode(envelope["signature"], validate=True)
        signer = x509.load_pem_x509_certificate(envelope["signer"].encode())
    except TrustListError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TrustListError(f"trust list unreadable: {exc}") from exc
    if anchor is not None and signer.public_key() != anchor.public_key():
        raise TrustListError("trust list is signed by a key other than the pinned one")
    public_key = signer.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise TrustListError("trust-list signer is not an EC key")
    try:
        public_key.verify(signature, body, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise TrustListError("trust list signature does not verify") from exc
    try:
        return _parse_payload(json.loads(body), blob, signer)
    except TrustListError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TrustListError(f"trust list payload invalid: {exc}") from exc


def _parse_payload(payload: dict[str, Any], blob: bytes, signer: x509.Certificate) -> TrustList:
    ca = x509.load_pem_x509_certificate(payload["lgpki_ca"].encode())
    seals: dict[str, SealEntry] = {}
    names: dict[str, str] = {}
    for city in payload["cities"]:
        code, name = str(city["code"]), str(city["name"])
        names[code] = name
        for seal in city["seals"]:
            cert = x509.load_pem_x509_certificate(seal["certificate"].encode())
            try:
                cert.verify_directly_issued_by(ca)
            except (ValueError, TypeError, InvalidSignature) as exc:
                raise TrustListError(f"seal certificate of {code} not issued by the LGPKI CA") from exc
            kid = seal_kid(cert).hex()
            if kid != seal["kid"]:
                raise TrustListError(f"kid {seal['kid']} does not match its certificate")
            seals[kid] = SealEntry(
                kid=kid,
                city=code,
                city_name=name,
                certificate=cert,
                not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc,
                current=bool(seal["current"]),
            )
    revoked = {
        str(r["kid"]): Revocation(str(r["kid"]), str(r["city"]), str(r["revoked_at"]), str(r["reason"]))
        for r in payload["revoked"]
    }
    return TrustList(
        issued_at=_time(payload["issued_at"]),
        next_update=_time(payload["next_update"]),
        seals=seals,
        revoked=revoked,
        city_names=names,
        signer=signer,
        raw=blob,
        verify_url=str(payload.get("verify_url") or ""),
        stores=_parse_stores(payload.get("stores") or []),
    )


def _parse_stores(listed: Any) -> dict[str, Store]:
    if not isinstance(listed, list):
        raise TrustListError("stores is not a list")
    try:
        stores = [Store.from_dict(entry) for entry in listed]
    except (StoreDirectoryError, AttributeError) as exc:
        raise TrustListError(f"a store entry is invalid: {exc}") from exc
    return {store.kiosk_id: store for store in stores}


# -- publishing (the centre; a verifier keeps its copy in kofu.pki.trust_cache) ------------------
class TrustPublisher:
    """The centre's signed trust list, rebuilt when the seal files, revocations or the kiosk
    directory change.

    The kiosk directory ``stores_file`` is read at once (a bad one raises
    :class:`~kofu.pki.stores.StoreDirectoryError`, so the centre does not start on it); a later
    edit that does not read is logged and the last good directory stays published.
    """

    def __init__(
        self,
        paths: PkiPaths,
        cities: Mapping[str, str],
        verify_url: str = "",
        stores_file: Path | None = None,
    ) -> None:
        self.paths = paths
        self.cities = dict(cities)
        self.verify_url = verify_url
        self.stores_file = stores_file
        self._directory = StoreDirectory(stores_file)
        self._lock = threading.Lock()
        self._fingerprint: tuple[Any, ...] | None = None
        self._signed = b""
        self._built_at = 0.0

    def _state(self) -> tuple[Any, ...]:
        files = [*sorted((self.paths.root / "seal").glob("*.pem"))]
        if past_seal_dir(self.paths).is_dir():
            files += sorted(past_seal_dir(self.paths).glob("*.pem"))
        if revoked_path(self.paths).exists():
            files.append(revoked_path(self.paths))
        return (*((str(p), p.stat().st_mtime_ns) for p in files), ("stores", self._directory.mtime()))

    @property
    def stores(self) -> dict[str, Store]:
        """The kiosk directory as last read."""
        return self._directory.stores

    def directory(self) -> dict[str, Store]:
        """The kiosk directory as published (reread when its file changed), by kiosk id."""
        with self._lock:
            return self._directory.current()

    def signed(self) -> bytes:
        """The current signed trust list (JSON bytes)."""
        with self._lock:
            state = self._state()
            stale = time.monotonic() - self._built_at > NEXT_UPDATE.total_seconds() / 2
            if state != self._fingerprint or stale:
                key, cert = load_signer(self.paths)
                payload = build_trust_list(
                    self.paths, self.cities, verify_url=self.verify_url, stores=self._directory.current()
                )
                self._signed = sign_trust_list(payload, key, cert)
                self._fingerprint, self._built_at = state, time.monotonic()
            return self._signed

    def trust_list(self) -> TrustList:
        """The current list, parsed (the centre trusts its own signer)."""
        return load_trust_list(self.signed(), read_certificate(signer_cert_path(self.paths)))
