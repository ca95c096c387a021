"""kofu.pki: CAs, card certificates and their CRL, city seals, TLS identities and contexts."""

from kofu.pki.ca import (
    Authority,
    load_or_create_jpki_ca,
    load_or_create_lgpki_ca,
    load_or_create_network_ca,
)
from kofu.pki.errors import PeerRejected, PkiError
from kofu.pki.init import init_pki
from kofu.pki.jpki import (
    CardCertificateStatus,
    issue_card_certificate,
    load_crl,
    load_jpki_ca,
    revoke_card_certificate,
    validate_card_certificate,
    verify_card_signature,
)
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import ensure_seal, load_seal
from kofu.pki.tls import (
    Peer,
    client_context,
    ensure_tls_identity,
    peer_identity,
    require_peer,
    server_context,
)

__all__ = [
    "Authority",
    "CardCertificateStatus",
    "Peer",
    "PeerRejected",
    "PkiError",
    "PkiPaths",
    "client_context",
    "ensure_seal",
    "ensure_tls_identity",
    "init_pki",
    "issue_card_certificate",
    "load_crl",
    "load_jpki_ca",
    "load_or_create_jpki_ca",
    "load_or_create_lgpki_ca",
    "load_or_create_network_ca",
    "load_seal",
    "peer_identity",
    "require_peer",
    "revoke_card_certificate",
    "server_context",
    "validate_card_certificate",
    "verify_card_signature",
]
