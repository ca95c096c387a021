"""The trust list: signed by the centre, pinned by verifiers, keeps past seals, lists revocations."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography import x509

from kofu.pki.ca import load_or_create_lgpki_ca
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import ensure_seal
from kofu.pki.trust import (
    TrustListError,
    TrustPublisher,
    ensure_trust_signer,
    load_trust_list,
    revoke_seal,
    rotate_seal,
    seal_kid,
    signer_cert_path,
)
from kofu.pki.trust_cache import TrustCache

CITIES = {"132292": "西東京市", "132110": "小平市"}


@pytest.fixture
def paths(tmp_path) -> PkiPaths:
    p = PkiPaths(tmp_path)
    load_or_create_lgpki_ca(p)
    for city in CITIES:
        ensure_seal(p, city)
    ensure_trust_signer(p)
    return p


def _anchor(paths: PkiPaths) -> x509.Certificate:
    return x509.load_pem_x509_certificate(signer_cert_path(paths).read_bytes())


def test_signed_list_names_each_city_and_its_current_seal(paths):
    blob = TrustPublisher(paths, CITIES).signed()
    trust = load_trust_list(blob, _anchor(paths))
    assert dict(trust.city_names) == CITIES
    for city in CITIES:
        cert = x509.load_pem_x509_certificate(paths.seal_cert(city).read_bytes())
        entry = trust.lookup(seal_kid(cert))
        assert entry is not None and entry.city == city and entry.current
    assert trust.next_update > trust.issued_at and not trust.revoked


def test_tampered_or_foreign_lists_are_refused(paths, tmp_path_factory):
    blob = TrustPublisher(paths, CITIES).signed()
    envelope = json.loads(blob)
    payload = json.loads(base64.b64decode(envelope["payload"]))
    payload["cities"][0]["name"] = "偽市"
    envelope["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    with pytest.raises(TrustListError, match="signature"):
        load_trust_list(json.dumps(envelope).encode(), _anchor(paths))
    other = PkiPaths(tmp_path_factory.mktemp("other"))
    load_or_create_lgpki_ca(other)
    ensure_trust_signer(other)
    foreign = TrustPublisher(other, {}).signed()
    with pytest.raises(TrustListError, match="pinned"):
        load_trust_list(foreign, _anchor(paths))
    for garbage in (b"", b"{}", b"[1]", b'{"format": "kofu-trust-list/1"}'):
        with pytest.raises(TrustListError):
            load_trust_list(garbage, _anchor(paths))


def test_rotation_keeps_the_past_certificate_and_destroys_the_old_key(paths):
    old, new = rotate_seal(paths, "132292")
    trust = TrustPublisher(paths, CITIES).trust_list()
    assert trust.lookup(old) and not trust.lookup(old).current
    assert trust.lookup(new) and trust.lookup(new).current
    assert (paths.root / "seal" / "past" / f"132292-{old}.pem").exists()
    assert paths.seal_key("132292").exists()  # the new key; the old one is gone with its file


def test_revoking_lists_the_kid_and_revoking_the_current_key_rotates(paths):
    old, _new = rotate_seal(paths, "132292")
    assert revoke_seal(paths, "132292", old) is None
    publisher = TrustPublisher(paths, CITIES)
    assert publisher.trust_list().revocation(old) is not None
    current = seal_kid(x509.load_pem_x509_certificate(paths.seal_cert("132110").read_bytes())).hex()
    replacement = revoke_seal(paths, "132110", current)
    trust = publisher.trust_list()
    assert replacement and trust.revocation(current) and trust.lookup(replacement).current
    with pytest.raises(PkiError):
        revoke_seal(paths, "132292", "00" * 8)


def test_cache_pins_the_signer_and_serves_offline(paths, tmp_path):
    blob = TrustPublisher(paths, CITIES).signed()
    calls = {"n": 0}

    def online(_url: str) -> bytes:
        calls["n"] += 1
        return blob

    cache_file = tmp_path / "cache" / "trust.json"
    cache = TrustCache("https://centre/trust-list", cache_file, anchor=None, fetcher=online)
    first = cache.get()
    assert cache.anchor is not None and cache.anchor.public_key() == _anchor(paths).public_key()
    assert cache.get() is first and calls["n"] == 1  # fresh enough: no refetch

    def offline(_url: str) -> bytes:
        raise OSError("no network")

    later = TrustCache("https://centre/trust-list", cache_file, anchor=_anchor(paths), fetcher=offline)
    assert later.get().city_names == first.city_names and later.stale
    nothing = TrustCache("https://centre/trust-list", tmp_path / "none.json", anchor=None, fetcher=offline)
    with pytest.raises(TrustListError, match="unavailable"):
        nothing.get()
