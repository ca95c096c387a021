"""The My Number Card: APDUs, an emulated card, the reader seam, and the kiosk and office drivers.

- :mod:`kofu.card.apdu` — pure APDU parsing/building and the JPKI constants.
- :mod:`kofu.card.state` — the card's memory (:class:`~kofu.card.state.CardState`), PIN and label rules.
- :mod:`kofu.card.cardfile` — that memory as the JSON text of a card file.
- :mod:`kofu.card.store` — :class:`~kofu.card.store.CardStore`, the directory of card files, locked in use.
- :mod:`kofu.card.inserted` — :class:`~kofu.card.inserted.PersistentCard`, a stored card in a reader.
- :mod:`kofu.card.filesystem` — the two APs (JPKI, text) with their EFs and PINs.
- :mod:`kofu.card.applet` — the emulator (:class:`~kofu.card.applet.JpkiApplet`).
- :mod:`kofu.card.attributes` — the text AP's four attributes (TLV), pure.
- :mod:`kofu.card.admin` — the administration-key MAC that unblocking needs, pure.
- :mod:`kofu.card.reader` — the :class:`~kofu.card.reader.Reader` protocol, emulated reader.
- :mod:`kofu.card.pcsc` — :class:`~kofu.card.pcsc.PcscReader`, any PC/SC reader via pyscard.
- :mod:`kofu.card.vpcd` — the emulator as a virtual card behind pcscd (vsmartcard-vpcd).
- :mod:`kofu.card.jpki` — :class:`~kofu.card.jpki.JpkiDriver`, what a kiosk uses.
- :mod:`kofu.card.office` — :class:`~kofu.card.office.OfficeDriver`, what a city counter uses.
- :mod:`kofu.card.errors` — the error tree with stable codes.
"""
