"""``kofu pki init``: create whatever part of the demo PKI is missing."""

from __future__ import annotations

from collections.abc import Sequence

from kofu.pki.ca import load_or_create_jpki_ca, load_or_create_lgpki_ca, load_or_create_network_ca
from kofu.pki.jpki import load_crl
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import ensure_seal
from kofu.pki.tls import ensure_tls_identity
from kofu.pki.trust import ensure_trust_signer


def init_pki(paths: PkiPaths, *, cities: Sequence[str], kiosks: Sequence[str]) -> None:
    """Idempotently create the CAs, the JPKI CRL, each city's seal and TLS identities, centre and kiosks."""
    load_or_create_jpki_ca(paths)
    load_or_create_lgpki_ca(paths)
    load_or_create_network_ca(paths)
    load_crl(paths)
    ensure_tls_identity(paths, "center", "center")
    ensure_trust_signer(paths)
    for city in cities:
        ensure_seal(paths, city)
        ensure_tls_identity(paths, "gateway", city)
        ensure_tls_identity(paths, "issuer", city)
    for kiosk in kiosks:
        ensure_tls_identity(paths, "kiosk", kiosk)
