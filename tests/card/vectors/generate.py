"""Regenerate the card test vectors (run by hand: ``.venv/bin/python tests/card/vectors/generate.py``).

Writes ``jpki_card.json`` — a fixed test card (PIN 1234; its RSA key is a TEST key, never used
anywhere else) with an auth certificate issued by a throw-away self-signed test CA — and
``jpki_transcript.json``: APDUs as DOMAIN.md spells them, with the status words the spec asks for.
Expected data comes from the certificate bytes and from ``cryptography`` directly, never from
the emulator under test.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).parent
PIN = "1234"
CHALLENGE = b"kofu transcript challenge"
SELECT_AP = "00A4040C0AD392F000260100000001"
DIGEST_INFO_PREFIX = "3031300D060960864801650304020105000420"


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


def make_card() -> tuple[rsa.RSAPrivateKey, bytes, bytes]:
    """A card key, its auth certificate and the test CA certificate (DER)."""
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
    return (
        card_key,
        cert.public_bytes(serialization.Encoding.DER),
        ca.public_bytes(serialization.Encoding.DER),
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
        step("SELECT the text AP: not emulated", "00A4040C0AD3921000310001010408", "6A82"),
        step("SELECT AP with Lc too long for the data", "00A4040C0BD392F000260100000001", "6700"),
        step("three bytes: not an APDU", "00A404", "6700"),
        step("SELECT the JPKI AP", SELECT_AP, "9000"),
        step("SELECT AP asking for FCI (P2 00): wrong P1/P2", "00A4040005D392F00026", "6A86"),
        step("READ BINARY with the AP but no EF selected", read(0, 4), "6986"),
        step("SELECT an unknown EF", "00A4020C029999", "6A82"),
        step("SELECT EF with P2 00: wrong P1/P2", "00A4020002000A", "6A86"),
        step("SELECT EF with a 3-byte FID: wrong length", "00A4020C0300000A", "6700"),
        step("GET CHALLENGE: INS not supported", "0084000008", "6D00"),
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


def main() -> None:
    """Write both vector files."""
    key, cert, ca = make_card()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    card = {
        "label": "transcript-card",
        "auth_key_pem": pem.decode("ascii"),
        "auth_cert_der": base64.b64encode(cert).decode("ascii"),
        "auth_ca_der": base64.b64encode(ca).decode("ascii"),
        "auth_pin": PIN,
        "auth_tries_left": 3,
        "token_info": base64.b64encode(b"JPKIAPICCTOKEN2".ljust(32, b" ")).decode("ascii"),
    }
    (HERE / "jpki_card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    steps = transcript(key, cert, ca)
    (HERE / "jpki_transcript.json").write_text(json.dumps(steps, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
