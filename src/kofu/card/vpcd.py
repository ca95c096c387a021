"""The emulated card as a virtual smart card behind pcscd (Debian's ``vsmartcard-vpcd``).

vpcd is a pcscd reader driver ("Virtual PCD 00 00") that listens on TCP 35963; a virtual card
connects to it as a client. Every frame either way is a 2-byte big-endian length and a payload.
A 1-byte payload from vpcd is a control: ``00`` power off, ``01`` power on, ``02`` reset, ``04``
get ATR (answered with the ATR); anything longer is a command APDU, answered with the response
APDU. Closing the connection is taking the card out of the reader.

:func:`handle_frame` is the pure protocol; :class:`VpcdCard` moves frames over the socket.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

from kofu.card.applet import JpkiApplet
from kofu.card.errors import CardError, ReaderUnavailable
from kofu.card.reader import EMULATOR_ATR

logger = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963  # the first slot, "Virtual PCD 00 00"
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0x00, 0x01, 0x02, 0x04


def handle_frame(applet: JpkiApplet, payload: bytes, atr: bytes = EMULATOR_ATR) -> bytes | None:
    """What the card answers to one vpcd payload (``None``: no answer is sent)."""
    if len(payload) == 1:
        control = payload[0]
        if control == CTRL_OFF:
            applet.power_off()
        elif control in (CTRL_ON, CTRL_RESET):
            applet.reset()
        elif control == CTRL_ATR:
            return atr
        else:
            logger.warning("vpcd: unknown control byte %02X ignored", control)
        return None
    if not payload:
        return None
    return applet.transmit(payload)


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class VpcdCard:
    """An emulated card inserted into pcscd's virtual reader until :meth:`remove` (or the socket closes).

    THIS IS AN EMULATOR, not a real My Number Card.
    """

    def __init__(self, applet: JpkiApplet, host: str = VPCD_HOST, port: int = VPCD_PORT) -> None:
        """Prepare to insert ``applet`` into the vpcd reader at ``host:port``."""
        self.applet = applet
        self.host, self.port = host, port
        self._sock: socket.socket | None = None
        self._stopped = threading.Event()

    def insert(self, timeout: float = 10.0) -> None:
        """Connect to vpcd (retrying until ``timeout``): pcscd now sees a card in the reader."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2.0)
                break
            except OSError as exc:
                if time.monotonic() >= deadline:
                    raise ReaderUnavailable(
                        f"vpcd is not listening on {self.host}:{self.port} (is pcscd running?): {exc}"
                    ) from exc
                time.sleep(0.2)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        logger.warning(
            "vpcd: software card emulator inserted into %s:%d (not a real card)", self.host, self.port
        )

    def serve(self) -> None:
        """Answer vpcd until the card is removed or vpcd closes the connection."""
        sock = self._sock
        if sock is None:
            raise CardError("insert() the card first")
        try:
            while not self._stopped.is_set():
                header = _recv_exact(sock, 2)
                if header is None:
                    break
                payload = _recv_exact(sock, int.from_bytes(header, "big"))
                if payload is None:
                    break
                answer = handle_frame(self.applet, payload)
                if answer is not None:
                    sock.sendall(len(answer).to_bytes(2, "big") + answer)
        except OSError:
            if not self._stopped.is_set():
                raise
        finally:
            self.applet.power_off()

    def remove(self) -> None:
        """Take the card out: close the connection (pcscd then reports the reader empty)."""
        self._stopped.set()
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.applet.power_off()
