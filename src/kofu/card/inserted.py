"""A stored card sitting in a reader (:class:`PersistentCard`): its memory, its applet, its readers.

Every change the applet makes to the card's memory (a PIN counter, a new PIN) is saved at once
through the ``save`` it is given, as a real card writes its EEPROM; :meth:`CardStore.open
<kofu.card.store.CardStore.open>` gives the store's.
"""

from __future__ import annotations

from collections.abc import Callable

from kofu.card.applet import JpkiApplet
from kofu.card.errors import CardError
from kofu.card.reader import EmulatedReader
from kofu.card.state import CardState


class PersistentCard:
    """A stored card in a reader: its state, its applet, and a save on every PIN-counter change."""

    def __init__(self, state: CardState, save: Callable[[CardState], None]) -> None:
        """Wrap ``state``; use :meth:`CardStore.open` rather than calling this directly."""
        self.state = state
        self._save = save
        self.applet = JpkiApplet(state, on_change=save)
        self._readers: list[EmulatedReader] = []
        self.closed = False

    @property
    def label(self) -> str:
        """The card's label."""
        return self.state.label

    def reader(self, name: str | None = None) -> EmulatedReader:
        """An emulated reader holding this card; it loses the card when the store closes it."""
        if self.closed:
            raise CardError("the card has been put back in the store")
        reader = EmulatedReader(self.applet) if name is None else EmulatedReader(self.applet, name=name)
        self._readers.append(reader)
        return reader

    def close(self) -> None:
        """Take the card out of every reader, power it off and save it."""
        for reader in self._readers:
            reader.remove_card()
        self.applet.power_off()
        if not self.closed:
            self._save(self.state)
        self.closed = True
