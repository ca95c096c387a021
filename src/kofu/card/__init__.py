"""The My Number Card: APDUs, an emulated JPKI applet, the reader seam and the kiosk-side driver.

- :mod:`kofu.card.apdu` — pure APDU parsing/building and the JPKI constants.
- :mod:`kofu.card.state` — the card's memory and the on-disk :class:`~kofu.card.state.CardStore`.
- :mod:`kofu.card.applet` — the emulator (:class:`~kofu.card.applet.JpkiApplet`).
- :mod:`kofu.card.reader` — the :class:`~kofu.card.reader.Reader` protocol, emulated reader.
- :mod:`kofu.card.jpki` — :class:`~kofu.card.jpki.JpkiDriver`, what a kiosk uses.
- :mod:`kofu.card.errors` — the error tree with stable codes.
"""
