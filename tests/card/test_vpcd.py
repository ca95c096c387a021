"""The vpcd virtual card: the frame protocol, and a socket round trip against a FAKE vpcd server.

The real pcscd + vpcd path is tested in ``tests/pcsc``; here a local socket plays vpcd's part.
"""

from __future__ import annotations

import socket
import threading

import pytest

from kofu.card import apdu
from kofu.card.applet import JpkiApplet
from kofu.card.errors import ReaderUnavailable
from kofu.card.reader import EMULATOR_ATR
from kofu.card.vpcd import CTRL_ATR, CTRL_OFF, CTRL_ON, CTRL_RESET, VpcdCard, handle_frame


def test_controls_and_apdus(applet: JpkiApplet) -> None:
    assert handle_frame(applet, bytes((CTRL_ON,))) is None
    assert handle_frame(applet, bytes((CTRL_ATR,))) == EMULATOR_ATR
    assert handle_frame(applet, apdu.select_ap(apdu.JPKI_AID).to_bytes()) == b"\x90\x00"
    assert handle_frame(applet, apdu.select_ef(apdu.AUTH_PIN).to_bytes()) == b"\x90\x00"
    assert handle_frame(applet, apdu.verify("1234").to_bytes()) == b"\x90\x00"
    assert applet.pin_verified
    assert handle_frame(applet, bytes((CTRL_RESET,))) is None
    assert not applet.pin_verified
    handle_frame(applet, apdu.select_ap(apdu.JPKI_AID).to_bytes())
    assert handle_frame(applet, bytes((CTRL_OFF,))) is None
    assert handle_frame(applet, apdu.read_binary(0, 4).to_bytes()) == b"\x69\x86"  # state was reset
    assert handle_frame(applet, b"\x77") is None and handle_frame(applet, b"") is None


class FakeVpcdServer:
    """A FAKE vpcd (one client): sends frames, collects answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        self.conn, _ = self.sock.accept()

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(len(payload).to_bytes(2, "big") + payload)

    def receive(self) -> bytes:
        assert self.conn is not None
        size = int.from_bytes(self._exact(2), "big")
        return self._exact(size)

    def _exact(self, size: int) -> bytes:
        assert self.conn is not None
        data = b""
        while len(data) < size:
            chunk = self.conn.recv(size - len(data))
            assert chunk, "card closed the connection"
            data += chunk
        return data


def test_socket_round_trip_and_removal(applet: JpkiApplet) -> None:
    server = FakeVpcdServer()
    card = VpcdCard(applet, port=server.port)
    accepter = threading.Thread(target=server.accept)
    accepter.start()
    card.insert(timeout=5)
    accepter.join()
    serving = threading.Thread(target=card.serve)
    serving.start()
    server.send(bytes((CTRL_ON,)))
    server.send(bytes((CTRL_ATR,)))
    assert server.receive() == EMULATOR_ATR
    server.send(apdu.select_ap(apdu.JPKI_AID).to_bytes())
    assert server.receive() == b"\x90\x00"
    card.remove()
    serving.join(5)
    assert not serving.is_alive()
    assert server.conn is not None and server.conn.recv(1) == b""  # the card is out
    server.sock.close()


def test_insert_without_vpcd_says_so(applet: JpkiApplet) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ReaderUnavailable) as info:
        VpcdCard(applet, port=port).insert(timeout=0.3)
    assert info.value.code == "card.reader.unavailable"
