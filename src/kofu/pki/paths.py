"""Where the PKI files live under one root directory (``var/pki`` in practice)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kofu.pki.errors import PkiError

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


def safe_name(value: str, what: str) -> str:
    """Return ``value`` if it is usable as a file-name component, else raise :class:`PkiError`."""
    if not _SAFE_NAME.fullmatch(value):
        raise PkiError(f"invalid {what} {value!r}: use letters, digits, '_', '-', '.' (max 64)")
    return value


@dataclass(frozen=True)
class PkiPaths:
    """File layout of the PKI below ``root``."""

    root: Path

    @property
    def jpki_ca_cert(self) -> Path:
        """JPKI CA certificate (PEM)."""
        return self.root / "jpki" / "ca.pem"

    @property
    def jpki_ca_key(self) -> Path:
        """JPKI CA private key (PEM, mode 0600)."""
        return self.root / "jpki" / "ca.key"

    @property
    def jpki_crl(self) -> Path:
        """JPKI CRL (PEM), regenerated from :attr:`jpki_revoked`."""
        return self.root / "jpki" / "crl.pem"

    @property
    def jpki_revoked(self) -> Path:
        """The JPKI CA's own list of revoked serials (JSON)."""
        return self.root / "jpki" / "revoked.json"

    @property
    def jpki_issued(self) -> Path:
        """The JPKI CA's record of which city asked for each card certificate (one file per serial)."""
        return self.root / "jpki" / "issued"

    @property
    def jpki_lock(self) -> Path:
        """Lock file serialising updates of the revocation list and CRL."""
        return self.root / "jpki" / "revoked.lock"

    @property
    def lgpki_ca_cert(self) -> Path:
        """LGPKI-like CA certificate (PEM)."""
        return self.root / "lgpki" / "ca.pem"

    @property
    def lgpki_ca_key(self) -> Path:
        """LGPKI-like CA private key (PEM, mode 0600)."""
        return self.root / "lgpki" / "ca.key"

    def seal_cert(self, city: str) -> Path:
        """Document-seal certificate of ``city``."""
        return self.root / "seal" / f"{safe_name(city, 'city code')}.pem"

    def seal_key(self, city: str) -> Path:
        """Document-seal private key of ``city``."""
        return self.root / "seal" / f"{safe_name(city, 'city code')}.key"

    @property
    def network_ca_cert(self) -> Path:
        """Network CA certificate (PEM): the only trust anchor of every TLS link."""
        return self.root / "network" / "ca.pem"

    @property
    def network_ca_key(self) -> Path:
        """Network CA private key (PEM, mode 0600)."""
        return self.root / "network" / "ca.key"

    def tls_cert(self, role: str, ident: str) -> Path:
        """TLS certificate of ``role``/``ident``."""
        return self.root / "tls" / f"{safe_name(role, 'role')}-{safe_name(ident, 'identity')}.pem"

    def tls_key(self, role: str, ident: str) -> Path:
        """TLS private key of ``role``/``ident``."""
        return self.root / "tls" / f"{safe_name(role, 'role')}-{safe_name(ident, 'identity')}.key"
