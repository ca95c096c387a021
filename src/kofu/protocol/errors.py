"""The error tree every actor raises and every link carries.

    KofuError                 code, detail; carried on the wire as {"error": {...}}
    ├── Refused               the rules say no (city.*, card.pin.*, order.*): final, never retried
    ├── AuthFailed            the card or the session did not authenticate (card.*, session.*)
    ├── LinkFailed            a hop did not answer (link.*, city.unavailable): retryable
    ├── Busy                  a hop is saturated and says so at once (city.busy): retry after
    ├── Conflict              contradicts what was recorded (order.outcome.conflict): nothing changed
    └── ProtocolViolation     a peer sent something malformed or out of order

The code is stable and is what tests and the kiosk look at; `detail` is for operators and must
never contain personal data (names, addresses, card serials, PINs).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Problem(BaseModel):
    """An error as it crosses a link."""

    model_config = ConfigDict(extra="forbid", strict=True)

    code: str = Field(max_length=64)
    detail: str = Field(default="", max_length=512)
    kind: str = Field(default="refused", max_length=16)
    tries_left: int | None = Field(default=None, ge=0, le=16)
    #: Seconds to wait before trying again (``kind="busy"``).
    retry_after: float | None = Field(default=None, ge=0, le=3600)


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
        retry_after = getattr(self, "retry_after", None)
        return Problem(
            code=self.code[:64],
            detail=self.detail[:512],
            kind=self.kind,
            tries_left=self.tries_left,
            retry_after=None if retry_after is None else min(3600.0, max(0.0, float(retry_after))),
        )


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


class Conflict(KofuError):
    """The request contradicts what was recorded before (e.g. a cancel after payment); nothing changed."""

    kind = "conflict"
    status = 409


class Gone(KofuError):
    """What the request answers is no longer awaited (a late answer); nothing changed (410)."""

    kind = "protocol"
    status = 410


class Busy(KofuError):
    """A hop is saturated and says so at once: retry after ``retry_after`` seconds."""

    kind = "busy"
    status = 503
    retryable = True

    def __init__(self, code: str, detail: str = "", *, retry_after: float = 1.0) -> None:
        super().__init__(code, detail)
        self.retry_after = retry_after


_KINDS: dict[str, type[KofuError]] = {
    cls.kind: cls for cls in (Refused, AuthFailed, LinkFailed, ProtocolViolation, Conflict, Busy)
}


def from_problem(problem: Problem) -> KofuError:
    """Rebuild the error a peer reported, keeping its code and kind (and when to retry)."""
    cls = _KINDS.get(problem.kind, KofuError)
    if cls is Busy:
        return Busy(problem.code, problem.detail, retry_after=problem.retry_after or 1.0)
    return cls(problem.code, problem.detail, tries_left=problem.tries_left)
