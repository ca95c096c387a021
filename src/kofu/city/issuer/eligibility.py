"""Who is refused, and why: the rules of DOMAIN.md applied to the live registry record."""

from __future__ import annotations

from kofu.city.registry.models import Resident
from kofu.protocol.errors import Refused


def check_resident(resident: Resident | None) -> Resident:
    """The resident, if a kiosk may issue for them at all; otherwise the refusal with its code."""
    if resident is None:
        raise Refused("city.resident.not_found")
    if resident.status == "deceased":
        raise Refused("city.resident.deceased")
    if resident.status == "moved_out":
        raise Refused("city.resident.moved_out")
    if resident.dv_protected:
        raise Refused("city.resident.dv_protected")
    if resident.pending_change:
        raise Refused("city.resident.pending_change")
    return resident
