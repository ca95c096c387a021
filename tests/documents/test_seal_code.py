"""The seal code itself: COSE_Sign1 + zlib + base45 + KOFU1:, and garbage never crashes the reader."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kofu.sealcode.code import PREFIX, SealedPerson, SealError, SealPayload, parse_seal, sign_payload
from kofu.sealcode.qr import decode_image_bytes
from kofu.sealcode.verify import Status, verify_code

KEY = ec.generate_private_key(ec.SECP256R1())
PAYLOAD = SealPayload(
    city="132292",
    doc="juminhyo",
    issue_number="00012345",
    issue_date=dt.date(2026, 11, 29),
    pages=1,
    people=(SealedPerson("田無 太郎", "1980-04-01"), SealedPerson("田無 花子", "1982-09-15")),
    address="東京都西東京市ひばり野三丁目4番5号",
    text_sha256="ab" * 32,
    binding="cd" * 32,
)
CODE = sign_payload(PAYLOAD, KEY, b"\x01" * 8)


def test_round_trip_keeps_every_field_and_the_kid():
    parsed = parse_seal(CODE)
    assert CODE.startswith(PREFIX) and set(CODE[len(PREFIX) :]) <= set(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    )
    assert parsed.payload == PAYLOAD and parsed.kid == b"\x01" * 8
    assert parsed.signature_valid(KEY.public_key())
    assert not parsed.signature_valid(ec.generate_private_key(ec.SECP256R1()).public_key())


@pytest.mark.parametrize("identifier", ["123456789012", "１２３４５６７８９０１", "12345678901"])
def test_a_my_number_or_juminhyo_code_can_never_be_sealed(identifier):
    bad = SealPayload(**{**PAYLOAD.__dict__, "address": f"東京都 {identifier}"})
    with pytest.raises(ValueError, match="My Number"):
        sign_payload(bad, KEY, b"\x01" * 8)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (CODE[: len(CODE) // 2], "seal.code.encoding"),  # truncated
        (CODE[:-3], "seal.code.encoding"),
        (PREFIX + "ZZ" + CODE[len(PREFIX) + 2 :], "seal.code.encoding"),  # garbled
        ("HC1:" + CODE[len(PREFIX) :], "seal.code.prefix"),
        (PREFIX, "seal.code.encoding"),
    ],
)
def test_truncated_or_garbled_codes_are_malformed_with_their_reason(code, reason):
    with pytest.raises(SealError) as err:
        parse_seal(code)
    assert err.value.code == reason


def test_a_valid_cose_over_a_foreign_payload_is_payload_invalid():
    import zlib

    import base45
    from pycose.algorithms import Es256
    from pycose.headers import KID, Algorithm
    from pycose.keys.ec2 import EC2Key
    from pycose.messages import Sign1Message

    # Signed by an independent COSE implementation: our reader takes any standard COSE_Sign1.
    pem = KEY.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    msg = Sign1Message(phdr={Algorithm: Es256, KID: b"\x01" * 8}, payload=b"\xa1\x00\x02")
    msg.key = EC2Key.from_pem_private_key(pem)
    code = PREFIX + base45.b45encode(zlib.compress(msg.encode())).decode()
    with pytest.raises(SealError) as err:
        parse_seal(code)
    assert err.value.code == "seal.payload.invalid"


def test_cose_signatures_interoperate_with_an_independent_implementation():
    import cbor2
    from pycose.keys.ec2 import EC2Key
    from pycose.messages import Sign1Message

    from kofu.sealcode.code import decode_code, parse_cose, sign_cose

    ours = sign_cose(b"payload", KEY, b"\x02" * 8)
    protected, unprotected, body, signature = cbor2.loads(ours).value  # pycose wants lists, not tuples
    theirs = Sign1Message.from_cose_obj([protected, dict(unprotected), body, signature], True)
    theirs.key = EC2Key.from_pem_public_key(
        KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    )
    assert theirs.verify_signature() and theirs.payload == b"payload"
    parsed = parse_seal(CODE)
    assert parsed.signature_valid(KEY.public_key())
    assert not parsed.signature_valid(ec.generate_private_key(ec.SECP256R1()).public_key())
    kid, body, message = parse_cose(decode_code(CODE[len(PREFIX) :]))
    assert (kid, body) == (b"\x01" * 8, PAYLOAD.to_cbor())
    forged = type(message)(message.protected, kid, body[:-1] + bytes([body[-1] ^ 1]), message.signature)
    from kofu.sealcode.code import cose_signature_valid

    assert not cose_signature_valid(forged, KEY.public_key())


class _EmptyTrust:
    def lookup(self, kid):
        return None

    def revocation(self, kid):
        return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(), st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").map(lambda s: PREFIX + s)
    )
)
def test_fuzz_garbage_text_never_crashes_the_decoder(text):
    try:
        parse_seal(text)
    except SealError as exc:
        assert exc.code.startswith("seal.")
    verdict = verify_code(text, _EmptyTrust())  # type: ignore[arg-type]
    assert verdict.status in (Status.MALFORMED, Status.UNKNOWN_KEY)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.integers(min_value=len(PREFIX), max_value=len(CODE)))
def test_fuzz_mutated_real_codes_never_crash(noise, cut):
    import base45

    body = base45.b45decode(CODE[len(PREFIX) :])
    mutated = bytearray(body)
    for i, b in enumerate(noise[:40]):
        mutated[(i * 7 + b) % len(mutated)] ^= b
    for candidate in (PREFIX + base45.b45encode(bytes(mutated)).decode(), CODE[:cut]):
        with contextlib.suppress(SealError):
            parse_seal(candidate)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_fuzz_garbage_images_never_crash(data):
    from kofu.sealcode.errors import DocumentError

    try:
        assert decode_image_bytes(data) == []
    except DocumentError as exc:
        assert exc.code == "document.unreadable"
