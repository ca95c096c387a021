"""Errors of the PKI package.

::

    Exception
    └── PkiError            anything wrong with keys, certificates, CRLs or PKI files
        └── PeerRejected    a TLS peer is missing, or is not the role/identity expected
"""

from __future__ import annotations


class PkiError(Exception):
    """Base error of :mod:`kofu.pki`."""


class PeerRejected(PkiError):
    """The TLS peer presented no certificate, or one for the wrong role or identity."""
