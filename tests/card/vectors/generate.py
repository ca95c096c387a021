"""Regenerate the card test vectors (run by hand: ``.venv/bin/python tests/card/vectors/generate.py``).

Writes ``jpki_card.json`` — a fixed test card (PIN 1234, signing PIN KOFU2016, text PIN 5678;
its RSA keys are TEST keys, never used anywhere else) with auth and signing certificates issued
by a throw-away self-signed test CA, the four text attributes and a fixed administration key —
and one transcript per part of the card: ``jpki_transcript.json`` (user authentication),
``sign_transcript.json`` (signing side), ``text_transcript.json`` (券面事項入力補助 AP) and
``admin_transcript.json`` (unblocking with the administration key). Three more cover the cards
and conditions a personalised card in good order never shows: ``blank_transcript.json`` runs
against ``blank_card.json`` (never personalised: no keys, certificates, signing or text PIN,
administration key → ``69 84``), ``storage_transcript.json`` against the test card whose memory
takes one write and then fails (``65 81``), ``damaged_transcript.json`` against
``damaged_card.json`` (its signing key EF holds a torn key → ``6F 00``).

A transcript is ``{"card": <card vector file>, "storage_writes": <writes the card's memory
takes before every further write fails, or null for no limit>, "steps": [...]}``; the steps run
in order against a fresh copy of that card. APDUs are as DOMAIN.md spells them, with the status
words the spec (and :mod:`kofu.card.applet`'s docstring) asks for. Expected data comes from the
certificate bytes, hand-built TLV and ``cryptography``/``hmac`` directly, never from the emulator
under test. The card's GET CHALLENGE is fed from :func:`challenge_source` so the MACs can be
precomputed.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).parent
PIN = "1234"
SIGN_PIN = "KOFU2016"
TEXT_PIN = "5678"
ADMIN_KEY = bytes(range(32))
CHALLENGE = b"kofu transcript challenge"
SIGN_DATA = b"kofu transcript document to sign"
SELECT_AP = "00A4040C0AD392F000260100000001"
SELECT_TEXT_AP = "00A4040C0AD3921000310001010408"
DIGEST_INFO_PREFIX = "3031300D060960864801650304020105000420"
NAME = "試験\u3000花子"
ADDRESS = "東京都西東京市南町五丁目6番13号"
BIRTH = "19900401"
SEX = "2"


def challenge_source() -> Callable[[int], bytes]:
    """The deterministic GET CHALLENGE bytes the transcript test feeds the card: n-th call → these."""
    counter = iter(range(1_000_000))

    def take(size: int) -> bytes:
        return hashlib.sha256(b"kofu challenge %d" % next(counter)).digest()[:size]

    return take


def nth_challenge(n: int) -> bytes:
    """What :func:`challenge_source` returns on its n-th call (0-based)."""
    return hashlib.sha256(b"kofu challenge %d" % n).digest()[:8]


def mac(challenge: bytes, key: bytes = ADMIN_KEY) -> str:
    """EXTERNAL AUTHENTICATE data for ``challenge`` (HMAC-SHA-256 truncated to 16 bytes)."""
    return hmac.new(key, b"kofu/card-admin/v1" + challenge, hashlib.sha256).digest()[:16].hex()


def tlv(tag: str, value: bytes) -> bytes:
    """A two-byte-tag BER-TLV (definite length)."""
    n = len(value)
    length = bytes((n,)) if n < 0x80 else (bytes((0x81, n)) if n <= 0xFF else b"\x82" + n.to_bytes(2, "big"))
    return bytes.fromhex(tag) + length + value


def attributes_tlv() -> bytes:
    """The text AP EF 0002 content, built by hand (myna ``TextAttrs`` layout)."""
    body = (
        tlv("DF21", b"\x01\x00")
        + tlv("DF22", NAME.encode())
        + tlv("DF23", ADDRESS.encode())
        + tlv("DF24", BIRTH.encode())
        + tlv("DF25", SEX.encode())
    )
    return tlv("FF20", body)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


def make_card() -> tuple[rsa.RSAPrivateKey, bytes, bytes, rsa.RSAPrivateKey, bytes]:
    """Auth key, auth certificate, test CA certificate, signing key, signing certificate (DER)."""
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("kofu TEST JPKI CA (not a real CA)")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    card_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("kofu TEST card transcript"))
        .issuer_name(ca_name)
        .public_key(card_key.public_key())
        .serial_number(0x1234)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    sign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sign_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("kofu TEST signing transcript"))
        .issuer_name(ca_name)
        .public_key(sign_key.public_key())
        .serial_number(0x5678)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return (
        card_key,
        cert.public_bytes(serialization.Encoding.DER),
        ca.public_bytes(serialization.Encoding.DER),
        sign_key,
        sign_cert.public_bytes(serialization.Encoding.DER),
    )


def step(comment: str, apdu: str, sw: str, data: str | None = None) -> dict[str, Any]:
    """One transcript step."""
    return {
        "comment": comment,
        "apdu": apdu.replace(" ", ""),
        "expect_sw": sw.replace(" ", ""),
        "expect_data": data,
    }


def read(offset: int, le: int) -> str:
    """READ BINARY command hex."""
    return f"00B0{offset:04X}{le % 256:02X}"


def transcript(key: rsa.RSAPrivateKey, cert: bytes, ca: bytes) -> list[dict[str, Any]]:
    """The steps, in order."""
    digest = hashlib.sha256(CHALLENGE).digest()
    digest_info = DIGEST_INFO_PREFIX + digest.hex().upper()
    sign_apdu = f"802A0080{len(digest_info) // 2:02X}{digest_info}00"
    signature = key.sign(CHALLENGE, padding.PKCS1v15(), hashes.SHA256()).hex()
    pin = PIN.encode().hex()
    token = b"JPKIAPICCTOKEN2".ljust(32, b" ").hex()
    steps = [
        step("READ BINARY before anything is selected: no EF", read(0, 4), "6986"),
        step("VERIFY before anything is selected: no EF", "00200080", "6986"),
        step("SELECT EF before the JPKI AP: not in the MF", "00A4020C02000A", "6A82"),
        step("SELECT an unknown AP", "00A4040C0AD3921000310001019999", "6A82"),
        step("SELECT AP with Lc too long for the data", "00A4040C0BD392F000260100000001", "6700"),
        step("three bytes: not an APDU", "00A404", "6700"),
        step("SELECT the JPKI AP", SELECT_AP, "9000"),
        step("SELECT AP asking for FCI (P2 00): wrong P1/P2", "00A4040005D392F00026", "6A86"),
        step("READ BINARY with the AP but no EF selected", read(0, 4), "6986"),
        step("SELECT an unknown EF", "00A4020C029999", "6A82"),
        step("SELECT EF with P2 00: wrong P1/P2", "00A4020002000A", "6A86"),
        step("SELECT EF with a 3-byte FID: wrong length", "00A4020C0300000A", "6700"),
        step("MANAGE SECURITY ENVIRONMENT: INS not supported", "002241B6", "6D00"),
        step("proprietary class A0: CLA not supported", "A0B0000004", "6E00"),
        step("SELECT EF 000A (auth certificate)", "00A4020C02000A", "9000"),
        step("READ the DER header", read(0, 4), "9000", cert[:4].hex()),
    ]
    offset = 4
    while offset < len(cert):
        size = min(255, len(cert) - offset)
        steps.append(
            step(
                f"READ certificate at {offset}",
                read(offset, size),
                "9000",
                cert[offset : offset + size].hex(),
            )
        )
        offset += size
    steps += [
        step("READ at the end of the file: offset beyond end", read(len(cert), 1), "6B00"),
        step("READ far beyond the end", read(0x7FFF, 1), "6B00"),
        step("Le 00 means 256", read(0, 256), "9000", cert[:256].hex()),
        step(
            "Le larger than what is left returns the rest", read(len(cert) - 3, 255), "9000", cert[-3:].hex()
        ),
        step("READ with P1 bit 8 (short EF id): wrong P1/P2", "00B0810004", "6A86"),
        step("READ without Le: wrong length", "00B00000", "6700"),
        step("SELECT EF 000B (CA certificate)", "00A4020C02000B", "9000"),
        step("READ CA header", read(0, 4), "9000", ca[:4].hex()),
        step("READ whole CA by length only", read(0, 255), "9000", f"len:{min(255, len(ca))}"),
        step("SELECT EF 0006 (token info)", "00A4020C020006", "9000"),
        step("READ token info with Le 00", read(0, 256), "9000", token),
        step("SELECT EF 0017 (auth key)", "00A4020C020017", "9000"),
        step("READ the key EF: incompatible with file structure", read(0, 4), "6981"),
        step("SIGN without the PIN: security status not satisfied", sign_apdu, "6982"),
        step("SELECT EF 0018 (auth PIN)", "00A4020C020018", "9000"),
        step("READ the PIN EF: incompatible with file structure", read(0, 4), "6981"),
        step("SIGN with the PIN EF selected: no key EF", sign_apdu, "6986"),
        step("VERIFY with P2 81: wrong P1/P2", f"0020008104{pin}", "6A86"),
        step("tries left", "00200080", "63C3"),
        step("wrong PIN 0000", "002000800430303030", "63C2"),
        step("tries left after one wrong", "00200080", "63C2"),
        step("wrong PIN 9999", "002000800439393939", "63C1"),
        step("right PIN resets the counter", f"0020008004{pin}", "9000"),
        step("tries left is 3 again", "00200080", "63C3"),
        step("SELECT EF 000A", "00A4020C02000A", "9000"),
        step("VERIFY with the certificate EF selected", f"0020008004{pin}", "6986"),
        step("SELECT EF 0017", "00A4020C020017", "9000"),
        step("SIGN with a 50-byte DigestInfo: wrong length", f"802A008032{digest_info[:-2]}00", "6700"),
        step("SIGN as ISO PSO (P1P2 9E9A): wrong P1/P2", f"802A9E9A33{digest_info}00", "6A86"),
        step(
            "SIGN with a foreign 51-byte prefix: wrong data", f"802A008033{'00' * 19}{digest.hex()}00", "6A80"
        ),
        step("SIGN the challenge DigestInfo", sign_apdu, "9000", signature),
        step("SIGN again: verification lasts until reset", sign_apdu, "9000", "len:256"),
        step("re-SELECT the JPKI AP clears the verification", SELECT_AP, "9000"),
        step("SELECT EF 0017", "00A4020C020017", "9000"),
        step("SIGN after re-selection: security status not satisfied", sign_apdu, "6982"),
        step("SELECT EF 0018", "00A4020C020018", "9000"),
        step("wrong PIN 1", "002000800431313131", "63C2"),
        step("wrong PIN 2", "002000800432323232", "63C1"),
        step("wrong PIN 3 blocks", "002000800433333333", "63C0"),
        step("tries left when blocked", "00200080", "63C0"),
        step("right PIN when blocked", f"0020008004{pin}", "6983"),
        step("wrong PIN when blocked", "002000800430303030", "6983"),
        step("SELECT EF 0017", "00A4020C020017", "9000"),
        step("SIGN when blocked: security status not satisfied", sign_apdu, "6982"),
        step("the certificate stays readable when blocked", "00A4020C02000A", "9000"),
        step("READ the DER header when blocked", read(0, 4), "9000", cert[:4].hex()),
    ]
    return steps


def read_all(data: bytes, label: str, first: int = 4) -> list[dict[str, Any]]:
    """READ BINARY steps reading ``data`` the way the driver does: a header, then 255-byte chunks."""
    steps = [step(f"READ the {label} header", read(0, first), "9000", data[:first].hex())]
    offset = first
    while offset < len(data):
        size = min(255, len(data) - offset)
        steps.append(
            step(f"READ {label} at {offset}", read(offset, size), "9000", data[offset : offset + size].hex())
        )
        offset += size
    return steps


def sign_transcript(sign_key: rsa.RSAPrivateKey, sign_cert: bytes, ca: bytes) -> list[dict[str, Any]]:
    """The signing side: certificate behind the signing PIN, 5 tries, signature."""
    digest = hashlib.sha256(SIGN_DATA).digest()
    digest_info = DIGEST_INFO_PREFIX + digest.hex().upper()
    sign_apdu = f"802A0080{len(digest_info) // 2:02X}{digest_info}00"
    signature = sign_key.sign(SIGN_DATA, padding.PKCS1v15(), hashes.SHA256()).hex()
    pin = SIGN_PIN.encode().hex()
    verify = f"00200080{len(SIGN_PIN):02X}{pin}"
    steps = [
        step("SELECT the JPKI AP", SELECT_AP, "9000"),
        step("SELECT EF 0002 (signing CA)", "00A4020C020002", "9000"),
        *read_all(ca, "signing CA"),
        step("SELECT EF 0001 (signing certificate)", "00A4020C020001", "9000"),
        step("READ the signing certificate without its PIN: security status", read(0, 4), "6982"),
        step("SELECT EF 001A (signing key)", "00A4020C02001A", "9000"),
        step("READ the signing key EF: incompatible", read(0, 4), "6981"),
        step("SIGN without the signing PIN: security status", sign_apdu, "6982"),
        step("SELECT EF 001B (signing PIN)", "00A4020C02001B", "9000"),
        step("signing PIN tries left: 5", "00200080", "63C5"),
        step("wrong signing PIN", "0020008006" + b"WRONG1".hex(), "63C4"),
        step("a 4-digit PIN is wrong here too", "002000800431323334", "63C3"),
        step("right signing PIN resets to 5", verify, "9000"),
        step("tries left is 5 again", "00200080", "63C5"),
        step("SELECT EF 0018 (auth PIN)", "00A4020C020018", "9000"),
        step("the auth PIN is not verified by the signing PIN", "00200080", "63C3"),
        step("SELECT EF 0017 (auth key)", "00A4020C020017", "9000"),
        step("SIGN with the auth key needs the auth PIN", sign_apdu, "6982"),
        step("SELECT EF 0001", "00A4020C020001", "9000"),
        *read_all(sign_cert, "signing certificate"),
        step("SELECT EF 001A", "00A4020C02001A", "9000"),
        step("SIGN with the signing key", sign_apdu, "9000", signature),
        step("power cycle by re-selecting the AP", SELECT_AP, "9000"),
        step("SELECT EF 0001", "00A4020C020001", "9000"),
        step("the signing certificate is locked again", read(0, 4), "6982"),
        step("SELECT EF 001B", "00A4020C02001B", "9000"),
        step("wrong 1", "0020008006" + b"AAAAAA".hex(), "63C4"),
        step("wrong 2", "0020008006" + b"BBBBBB".hex(), "63C3"),
        step("wrong 3", "0020008006" + b"CCCCCC".hex(), "63C2"),
        step("wrong 4", "0020008006" + b"DDDDDD".hex(), "63C1"),
        step("wrong 5 blocks", "0020008006" + b"EEEEEE".hex(), "63C0"),
        step("right signing PIN when blocked", verify, "6983"),
        step("SELECT EF 0018", "00A4020C020018", "9000"),
        step("the auth PIN is independent of the signing PIN", "00200080", "63C3"),
    ]
    return steps


def text_transcript() -> list[dict[str, Any]]:
    """The text AP: its own PIN and the four attributes."""
    attrs = attributes_tlv()
    pin = TEXT_PIN.encode().hex()
    return [
        step("SELECT EF 0011 before any AP", "00A4020C020011", "6A82"),
        step("SELECT the text AP", SELECT_TEXT_AP, "9000"),
        step("SELECT EF 000A: not in the text AP", "00A4020C02000A", "6A82"),
        step("SELECT EF 0001 (My Number): not emulated", "00A4020C020001", "6A82"),
        step("SELECT EF 0002 (attributes)", "00A4020C020002", "9000"),
        step("READ the attributes without the PIN: security status", read(0, 7), "6982"),
        step("VERIFY with the attribute EF selected: no PIN EF", f"0020008004{pin}", "6986"),
        step("SELECT EF 0011 (text PIN)", "00A4020C020011", "9000"),
        step("READ the PIN EF: incompatible", read(0, 4), "6981"),
        step("text PIN tries left: 3", "00200080", "63C3"),
        step("the auth PIN is not the text PIN", "002000800431323334", "63C2"),
        step("right text PIN", f"0020008004{pin}", "9000"),
        step("SELECT EF 0002", "00A4020C020002", "9000"),
        *read_all(attrs, "attributes", first=7),
        step("READ beyond the attributes", read(len(attrs), 1), "6B00"),
        step("SELECT the JPKI AP drops the text PIN", SELECT_AP, "9000"),
        step("SELECT the text AP again", SELECT_TEXT_AP, "9000"),
        step("SELECT EF 0002", "00A4020C020002", "9000"),
        step("attributes locked again", read(0, 7), "6982"),
        step("SELECT EF 0011", "00A4020C020011", "9000"),
        step("CHANGE REFERENCE DATA without the PIN: security status", "0024018004" + b"4321".hex(), "6982"),
        step("right text PIN", f"0020008004{pin}", "9000"),
        step("CHANGE REFERENCE DATA to a 5-digit PIN: wrong data", "0024018005" + b"43210".hex(), "6A80"),
        step("CHANGE REFERENCE DATA with P1 00: wrong P1/P2", "0024008004" + b"4321".hex(), "6A86"),
        step("CHANGE REFERENCE DATA without data: wrong length", "00240180", "6700"),
        step("CHANGE REFERENCE DATA to 4321", "0024018004" + b"4321".hex(), "9000"),
        step("the old text PIN is now wrong", f"0020008004{pin}", "63C2"),
        step("the new text PIN works", "0020008004" + b"4321".hex(), "9000"),
        step("CHANGE REFERENCE DATA back", f"0024018004{pin}", "9000"),
        step("text PIN wrong 1", "002000800430303030", "63C2"),
        step("text PIN wrong 2", "002000800430303030", "63C1"),
        step("text PIN wrong 3 blocks", "002000800430303030", "63C0"),
        step("right text PIN when blocked", f"0020008004{pin}", "6983"),
    ]


def admin_transcript() -> list[dict[str, Any]]:
    """Unblocking: GET CHALLENGE, EXTERNAL AUTHENTICATE, RESET RETRY COUNTER (a kiosk cannot)."""
    pin = PIN.encode().hex()
    return [
        step("SELECT the JPKI AP", SELECT_AP, "9000"),
        step("SELECT EF 0018", "00A4020C020018", "9000"),
        step("wrong 1", "002000800430303030", "63C2"),
        step("wrong 2", "002000800430303030", "63C1"),
        step("wrong 3 blocks", "002000800430303030", "63C0"),
        step(
            "RESET RETRY COUNTER without authentication: security status",
            "002C03 80".replace(" ", ""),
            "6982",
        ),
        step("RESET RETRY COUNTER with a new PIN, unauthenticated", "002C008004" + b"9999".hex(), "6982"),
        step("EXTERNAL AUTHENTICATE without a challenge: conditions", "0082000010" + "00" * 16, "6985"),
        step("GET CHALLENGE with Le 4: wrong length", "0084000004", "6700"),
        step("GET CHALLENGE with P1 01: wrong P1/P2", "0084010008", "6A86"),
        step("GET CHALLENGE", "0084000008", "9000", nth_challenge(0).hex()),
        step("EXTERNAL AUTHENTICATE with a guessed MAC: failed", "0082000010" + "00" * 16, "6300"),
        step("the challenge was used up", "0082000010" + mac(nth_challenge(0)), "6985"),
        step("GET CHALLENGE", "0084000008", "9000", nth_challenge(1).hex()),
        step("EXTERNAL AUTHENTICATE with a short MAC: wrong length", "0082000008" + "00" * 8, "6700"),
        step("GET CHALLENGE", "0084000008", "9000", nth_challenge(2).hex()),
        step("MAC made with another key: failed", "0082000010" + mac(nth_challenge(2), bytes(32)), "6300"),
        step("GET CHALLENGE", "0084000008", "9000", nth_challenge(3).hex()),
        step("EXTERNAL AUTHENTICATE with P2 01: wrong P1/P2", "0082000110" + mac(nth_challenge(3)), "6A86"),
        step("GET CHALLENGE", "0084000008", "9000", nth_challenge(4).hex()),
        step("EXTERNAL AUTHENTICATE with the right MAC", "0082000010" + mac(nth_challenge(4)), "9000"),
        step("RESET RETRY COUNTER with P1 01: wrong P1/P2", "002C0180", "6A86"),
        step("RESET RETRY COUNTER P1 03 with data: wrong length", "002C038004" + pin, "6700"),
        step("RESET RETRY COUNTER with a 3-digit PIN: wrong data", "002C008003" + b"123".hex(), "6A80"),
        step("RESET RETRY COUNTER with letters: wrong data", "002C008004" + b"12AB".hex(), "6A80"),
        step("RESET RETRY COUNTER with the new PIN 2468", "002C008004" + b"2468".hex(), "9000"),
        step("tries left: 3 again", "00200080", "63C3"),
        step("the old PIN is now wrong", f"0020008004{pin}", "63C2"),
        step("the new PIN works and resets the counter", "0020008004" + b"2468".hex(), "9000"),
        step("re-SELECT the AP ends the administration session", SELECT_AP, "9000"),
        step("SELECT EF 0018", "00A4020C020018", "9000"),
        step("RESET RETRY COUNTER after re-selection: security status", "002C0380", "6982"),
        step("SELECT EF 000A", "00A4020C02000A", "9000"),
        step("GET CHALLENGE", "0084000008", "9000", nth_challenge(5).hex()),
        step("EXTERNAL AUTHENTICATE", "0082000010" + mac(nth_challenge(5)), "9000"),
        step("RESET RETRY COUNTER on a certificate EF: no PIN EF", "002C0380", "6986"),
        step("SELECT EF 001B (signing PIN)", "00A4020C02001B", "9000"),
        step(
            "RESET RETRY COUNTER of the signing PIN with a bad format", "002C008004" + b"1234".hex(), "6A80"
        ),
        step("RESET RETRY COUNTER of the signing PIN to NEWSIGN1", "002C008008" + b"NEWSIGN1".hex(), "9000"),
        step("the new signing PIN works", "0020008008" + b"NEWSIGN1".hex(), "9000"),
    ]


def blank_transcript() -> list[dict[str, Any]]:
    """A card that was never personalised: whatever it would need answers ``69 84``."""
    pin = PIN.encode().hex()
    digest_info = DIGEST_INFO_PREFIX + hashlib.sha256(CHALLENGE).hexdigest().upper()
    sign_apdu = f"802A0080{len(digest_info) // 2:02X}{digest_info}00"
    return [
        step("SELECT the JPKI AP", SELECT_AP, "9000"),
        step("SELECT EF 000A", "00A4020C02000A", "9000"),
        step("READ the auth certificate: none installed, the EF is empty", read(0, 4), "6B00"),
        step("SELECT EF 0017 (auth key)", "00A4020C020017", "9000"),
        step("SIGN with no auth key on the card: reference data not usable", sign_apdu, "6984"),
        step("SELECT EF 001A (signing key)", "00A4020C02001A", "9000"),
        step("SIGN with no signing key: reference data not usable", sign_apdu, "6984"),
        step("SELECT EF 001B (signing PIN)", "00A4020C02001B", "9000"),
        step("signing PIN tries left: no signing PIN was set", "00200080", "6984"),
        step("VERIFY a signing PIN that was never set", "0020008008" + SIGN_PIN.encode().hex(), "6984"),
        step("CHANGE REFERENCE DATA of a PIN never set", "0024018008" + b"NEWSIGN1".hex(), "6984"),
        step("RESET RETRY COUNTER (P1 03) of a PIN never set", "002C0380", "6984"),
        step(
            "RESET RETRY COUNTER with a new PIN still needs the administration authentication",
            "002C008008" + b"NEWSIGN1".hex(),
            "6982",
        ),
        step("GET CHALLENGE works on any card", "0084000008", "9000", nth_challenge(0).hex()),
        step(
            "EXTERNAL AUTHENTICATE with no administration key: reference data not usable",
            "0082000010" + mac(nth_challenge(0)),
            "6984",
        ),
        step("SELECT EF 0018 (auth PIN)", "00A4020C020018", "9000"),
        step("the auth PIN every card has: tries left", "00200080", "63C3"),
        step("right auth PIN", f"0020008004{pin}", "9000"),
        step("SELECT EF 0017", "00A4020C020017", "9000"),
        step("the verified PIN does not make up for the missing key", sign_apdu, "6984"),
        step("SELECT the text AP", SELECT_TEXT_AP, "9000"),
        step("SELECT EF 0011 (text PIN)", "00A4020C020011", "9000"),
        step("text PIN tries left: no text PIN was set", "00200080", "6984"),
        step("VERIFY a text PIN that was never set", f"0020008004{pin}", "6984"),
        step("SELECT EF 0002 (attributes)", "00A4020C020002", "9000"),
        step("READ the attributes: the text PIN is still required", read(0, 7), "6982"),
    ]


def storage_transcript(cert: bytes) -> list[dict[str, Any]]:
    """The test card whose memory takes one write, then fails: ``65 81``, and nothing verifies."""
    pin = PIN.encode().hex()
    digest_info = DIGEST_INFO_PREFIX + hashlib.sha256(CHALLENGE).hexdigest().upper()
    sign_apdu = f"802A0080{len(digest_info) // 2:02X}{digest_info}00"
    return [
        step("SELECT the JPKI AP", SELECT_AP, "9000"),
        step("SELECT EF 0018 (auth PIN)", "00A4020C020018", "9000"),
        step("tries left: a query writes nothing", "00200080", "63C3"),
        step("right PIN: the try is written, resetting the counter fails", f"0020008004{pin}", "6581"),
        step("SELECT EF 0017", "00A4020C020017", "9000"),
        step("SIGN: a PIN whose counter reset was not written is not verified", sign_apdu, "6982"),
        step("SELECT EF 0018", "00A4020C020018", "9000"),
        step("right PIN again: the try itself cannot be written", f"0020008004{pin}", "6581"),
        step("wrong PIN: the try cannot be written, nothing is compared", "002000800430303030", "6581"),
        step("SELECT EF 0017", "00A4020C020017", "9000"),
        step("SIGN: still not verified", sign_apdu, "6982"),
        step("GET CHALLENGE", "0084000008", "9000", nth_challenge(0).hex()),
        step("EXTERNAL AUTHENTICATE writes nothing", "0082000010" + mac(nth_challenge(0)), "9000"),
        step("SELECT EF 0018", "00A4020C020018", "9000"),
        step("RESET RETRY COUNTER with a new PIN cannot be written", "002C008004" + b"2468".hex(), "6581"),
        step("CHANGE REFERENCE DATA cannot be written", "0024018004" + b"1357".hex(), "6581"),
        step("SELECT EF 000A", "00A4020C02000A", "9000"),
        step("reading needs no write: the certificate stays readable", read(0, 4), "9000", cert[:4].hex()),
    ]


def damaged_transcript(key: rsa.RSAPrivateKey, sign_cert: bytes) -> list[dict[str, Any]]:
    """The test card with a torn signing key: ``6F 00`` for it, the rest of the card still works."""
    digest_info = DIGEST_INFO_PREFIX + hashlib.sha256(CHALLENGE).hexdigest().upper()
    sign_apdu = f"802A0080{len(digest_info) // 2:02X}{digest_info}00"
    signature = key.sign(CHALLENGE, padding.PKCS1v15(), hashes.SHA256()).hex()
    return [
        step("SELECT the JPKI AP", SELECT_AP, "9000"),
        step("SELECT EF 001B (signing PIN)", "00A4020C02001B", "9000"),
        step("right signing PIN", "0020008008" + SIGN_PIN.encode().hex(), "9000"),
        step("SELECT EF 0001 (signing certificate)", "00A4020C020001", "9000"),
        step("READ the signing certificate header", read(0, 4), "9000", sign_cert[:4].hex()),
        step("SELECT EF 001A (signing key)", "00A4020C02001A", "9000"),
        step("SIGN with the torn signing key: the card answers 6F 00, it never throws", sign_apdu, "6F00"),
        step("SIGN again: a broken key is never taken for a good one", sign_apdu, "6F00"),
        step("SELECT EF 001B", "00A4020C02001B", "9000"),
        step("the failed signatures cost no PIN try", "00200080", "63C5"),
        step("SELECT EF 0018 (auth PIN)", "00A4020C020018", "9000"),
        step("right auth PIN", "0020008004" + PIN.encode().hex(), "9000"),
        step("SELECT EF 0017 (auth key)", "00A4020C020017", "9000"),
        step("the auth key is intact and signs", sign_apdu, "9000", signature),
    ]


def main() -> None:
    """Write the card vector and every transcript."""
    key, cert, ca, sign_key, sign_cert = make_card()

    def pem(k: rsa.RSAPrivateKey) -> str:
        return k.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    card = {
        "label": "transcript-card",
        "auth_key_pem": pem(key),
        "auth_cert_der": b64(cert),
        "auth_ca_der": b64(ca),
        "auth_pin": PIN,
        "auth_tries_left": 3,
        "token_info": b64(b"JPKIAPICCTOKEN2".ljust(32, b" ")),
        "sign_key_pem": pem(sign_key),
        "sign_cert_der": b64(sign_cert),
        "sign_ca_der": b64(ca),
        "sign_pin": SIGN_PIN,
        "sign_tries_left": 5,
        "text_pin": TEXT_PIN,
        "text_tries_left": 3,
        "text_attributes": b64(attributes_tlv()),
        "admin_key": b64(ADMIN_KEY),
    }
    blank = {
        "label": "blank-card",
        "auth_key_pem": "",
        "auth_cert_der": "",
        "auth_ca_der": "",
        "auth_pin": PIN,
        "auth_tries_left": 3,
        "token_info": b64(b"JPKIAPICCTOKEN2".ljust(32, b" ")),
        "sign_key_pem": "",
        "sign_cert_der": "",
        "sign_ca_der": "",
        "sign_pin": "",
        "sign_tries_left": 5,
        "text_pin": "",
        "text_tries_left": 3,
        "text_attributes": "",
        "admin_key": "",
    }
    sign_pem = pem(sign_key)
    damaged = {**card, "label": "damaged-card", "sign_key_pem": sign_pem[: len(sign_pem) // 2]}
    for name, content in (
        ("jpki_card.json", card),
        ("blank_card.json", blank),
        ("damaged_card.json", damaged),
    ):
        (HERE / name).write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, card_file, storage_writes, steps in (
        ("jpki_transcript.json", "jpki_card.json", None, transcript(key, cert, ca)),
        ("sign_transcript.json", "jpki_card.json", None, sign_transcript(sign_key, sign_cert, ca)),
        ("text_transcript.json", "jpki_card.json", None, text_transcript()),
        ("admin_transcript.json", "jpki_card.json", None, admin_transcript()),
        ("blank_transcript.json", "blank_card.json", None, blank_transcript()),
        ("storage_transcript.json", "jpki_card.json", 1, storage_transcript(cert)),
        ("damaged_transcript.json", "damaged_card.json", None, damaged_transcript(key, sign_cert)),
    ):
        document = {"card": card_file, "storage_writes": storage_writes, "steps": steps}
        (HERE / name).write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
