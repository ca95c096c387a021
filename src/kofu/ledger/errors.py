"""Errors of the ledger package.

::

    Exception
    └── LedgerError          reason (a stable code such as ``proof.root_mismatch``), detail
        ├── InvalidProof     an inclusion or consistency proof that does not verify
        └── InvalidHead      a signed tree head that is malformed, of another log or key, or forged

Proof and head checks raise these; arguments a caller should never pass (an index past the end of
the tree, a hash that is not 32 bytes long when building a tree) raise ``ValueError``. A whole
log is never answered with an exception: `kofu.ledger.log.verify_log` returns what it found.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base error of :mod:`kofu.ledger`: a stable ``reason`` and words for operators."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class InvalidProof(LedgerError):
    """An inclusion or consistency proof does not verify (``proof.*``)."""


class InvalidHead(LedgerError):
    """A signed tree head is malformed, names another log, or its signature fails (``head.*``)."""
