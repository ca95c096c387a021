"""交付履歴の確認 at the touch screen: what was issued in the card holder's name, store by store.

The entries come from each of the card's cities through the sealed path (`KioskFlow.notices`) and
are kept nowhere; each entry's store is named from the kiosk directory in the centre's signed
trust list (a placeholder when the list cannot be had, or does not list the kiosk).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kofu.pki.stores import Store, with_stores
from kofu.protocol.errors import LinkFailed
from kofu.protocol.kiosk_screen import IssuedEntry

if TYPE_CHECKING:
    from kofu.kiosk.flow import KioskFlow
    from kofu.kiosk.seals import KioskSeals


def issued_entries(flow: KioskFlow) -> list[IssuedEntry]:
    """The authenticated resident's 交付履歴, as the screen lists it."""
    return [
        IssuedEntry(
            date=e.get("date", ""),
            doc=e.get("doc", ""),
            title_ja=e.get("title", ""),
            title_en=e.get("title_en", ""),
            store=e["store"],
            chain=e["chain"],
            kiosk_id=e["kiosk"],
            city=e.get("city", ""),
            named=e.get("as") == "named",
        )
        for e in with_stores(flow.notices(), trust_stores(flow.seals))
    ]


def trust_stores(seals: KioskSeals) -> Mapping[str, Store]:
    """The kiosk directory of the trust list (none when the list cannot be had: placeholders)."""
    try:
        return seals.trust_list().stores
    except LinkFailed:
        return {}
