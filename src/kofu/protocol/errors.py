"""The error tree every actor raises and every link carries.

    KofuError                 code, detail; carried on the wire as {"error": {...}}
    ├── Refused               the rules say no (city.*, card.pin.*, order.*): final, never retried
    ├── AuthFailed            the card or the session did not authenticate (card.*, session.*)
    ├── LinkFailed            a hop did not answer (link.*, city.unavailable): retryable
    └── ProtocolViolation     a peer sent something malformed or out of order

The code is stable and is what tests and the kiosk look at; `detail` is for operators and must
never contain personal data (names, addresses, card serials, PINs).
"""

from __future__ import annotations

from pydantic import BaseModel


class Problem(BaseModel):
    """An error as it crosses a link."""

    code: str
    detail: str = ""
    kind: str = "refused"
    tries_left: int | None = None


class ProblemBody(BaseModel):
    """``{"error": Problem}``: how every actor answers an error."""

    error: Problem


class KofuError(Exception):
    """Base of every error with a stable code."""

    kind = "error"
    status = 400
    retryable = False

    def __init__(self, code: str, detail: str = "", *, tries_left: int | None = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.tries_left = tries_left

    def problem(self) -> Problem:
        """This error as it crosses a link."""
        return Problem(code=self.code, detail=self.detail, kind=self.kind, tries_left=self.tries_left)


class Refused(KofuError):
    """The rules refuse: a resident's document cannot be issued here."""

    kind = "refused"
    status = 422


class AuthFailed(KofuError):
    """The card or the session did not authenticate."""

    kind = "auth"
    status = 403


class LinkFailed(KofuError):
    """A hop did not answer in time or at all; the same request may be tried again."""

    kind = "link"
    status = 503
    retryable = True


class ProtocolViolation(KofuError):
    """A peer sent something malformed or out of order."""

    kind = "protocol"
    status = 400


_KINDS: dict[str, type[KofuError]] = {
    cls.kind: cls for cls in (Refused, AuthFailed, LinkFailed, ProtocolViolation)
}


def from_problem(problem: Problem) -> KofuError:
    """Rebuild the error a peer reported, keeping its code and kind."""
    cls = _KINDS.get(problem.kind, KofuError)
    return cls(problem.code, problem.detail, tries_left=problem.tries_left)
