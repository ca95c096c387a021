"""The emulated JPKI applet: behaviour beyond the transcript, and it never raises."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kofu.card import apdu, cardfile
from kofu.card.applet import JpkiApplet
from kofu.card.state import CardState

SIGN_EF = [apdu.select_ap(apdu.JPKI_AID), apdu.select_ef(apdu.AUTH_KEY)]


def run(applet: JpkiApplet, *commands: apdu.CommandAPDU) -> list[int]:
    """Status words of each command."""
    return [apdu.ResponseAPDU.parse(applet.transmit(c.to_bytes())).sw for c in commands]


def login(applet: JpkiApplet, pin: str = "1234") -> list[int]:
    """SELECT AP, SELECT PIN EF, VERIFY."""
    return run(applet, apdu.select_ap(apdu.JPKI_AID), apdu.select_ef(apdu.AUTH_PIN), apdu.verify(pin))


def test_signature_verifies_with_the_card_public_key(applet: JpkiApplet, state: CardState) -> None:
    assert login(applet) == [0x9000] * 3
    digest = hashlib.sha256(b"challenge").digest()
    run(applet, apdu.select_ef(apdu.AUTH_KEY))
    response = apdu.ResponseAPDU.parse(
        applet.transmit(apdu.compute_signature(apdu.sha256_digest_info(digest)).to_bytes())
    )
    assert response.sw == 0x9000 and len(response.data) == 256
    state.public_key().verify(response.data, b"challenge", padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize("cut", ["power_off", "reset"])
def test_power_off_and_reset_clear_selection_and_verification(applet: JpkiApplet, cut: str) -> None:
    login(applet)
    assert applet.pin_verified
    getattr(applet, cut)()
    assert not applet.pin_verified
    assert run(applet, apdu.read_binary(0, 4)) == [0x6986]  # no EF selected any more
    assert run(applet, *SIGN_EF, apdu.compute_signature(apdu.sha256_digest_info(bytes(32)))) == [
        0x9000,
        0x9000,
        0x6982,
    ]


def test_on_change_sees_every_counter_change_and_right_pin_resets(state: CardState) -> None:
    seen: list[int] = []
    applet = JpkiApplet(state, on_change=lambda s: seen.append(s.auth_tries_left))
    assert login(applet, "0000")[-1] == 0x63C2
    assert run(applet, apdu.verify("1234")) == [0x9000]
    # decrement first (anti-tearing), then reset on success
    assert seen == [2, 1, 3]
    assert state.auth_tries_left == 3


def test_wrong_length_pin_costs_a_try(applet: JpkiApplet) -> None:
    assert login(applet, "12345")[-1] == 0x63C2


def test_unsaveable_counter_answers_memory_failure_and_never_verifies(state: CardState) -> None:
    def broken(_: CardState) -> None:
        raise OSError("disk full")

    applet = JpkiApplet(state, on_change=broken)
    assert login(applet)[-1] == 0x6581
    assert not applet.pin_verified


def test_a_change_that_could_not_be_saved_is_undone(state: CardState) -> None:
    """Working memory holds only what storage holds: nothing unsaved takes effect later."""
    saves: list[int] = []

    def flaky(s: CardState) -> None:
        if not saves:
            saves.append(s.auth_tries_left)
            raise OSError("disk full")
        saves.append(s.auth_tries_left)

    applet = JpkiApplet(state, on_change=flaky)
    assert login(applet, "0000")[-1] == 0x6581
    assert state.auth_tries_left == 3  # the decrement that failed to save is not kept
    assert run(applet, apdu.verify("0000")) == [0x63C2]  # storage works again: one try spent, saved
    assert saves == [2, 2] and state.auth_tries_left == 2


def test_cert_not_installed_reads_offset_beyond_end(state: CardState) -> None:
    applet = JpkiApplet(dataclasses.replace(state, auth_cert_der=b""))
    assert run(
        applet, apdu.select_ap(apdu.JPKI_AID), apdu.select_ef(apdu.AUTH_CERT), apdu.read_binary(0, 4)
    ) == [
        0x9000,
        0x9000,
        0x6B00,
    ]


def test_failed_select_keeps_the_current_ef(applet: JpkiApplet) -> None:
    run(applet, apdu.select_ap(apdu.JPKI_AID), apdu.select_ef(apdu.TOKEN_INFO), apdu.select_ef(b"\x99\x99"))
    response = apdu.ResponseAPDU.parse(applet.transmit(apdu.read_binary(0, 256).to_bytes()))
    assert response.data == b"JPKIAPICCTOKEN2".ljust(32, b" ")


USEFUL = [
    apdu.select_ap(apdu.JPKI_AID).to_bytes(),
    apdu.select_ap(apdu.TEXT_AP_AID).to_bytes(),
    *(
        apdu.select_ef(fid).to_bytes()
        for fid in (
            apdu.AUTH_CERT,
            apdu.AUTH_KEY,
            apdu.AUTH_PIN,
            apdu.TOKEN_INFO,
            apdu.SIGN_CERT,
            apdu.SIGN_CA,
            apdu.SIGN_KEY,
            apdu.SIGN_PIN,
            apdu.TEXT_PIN,
        )
    ),
    apdu.verify(None).to_bytes(),
    apdu.verify("1234").to_bytes(),
    apdu.verify("0000").to_bytes(),
    apdu.verify("KOFU2016").to_bytes(),
    apdu.read_binary(0, 256).to_bytes(),
    apdu.compute_signature(apdu.sha256_digest_info(bytes(32))).to_bytes(),
    apdu.get_challenge().to_bytes(),
    apdu.external_authenticate(bytes(16)).to_bytes(),
    apdu.reset_retry_counter(None).to_bytes(),
    apdu.reset_retry_counter("9999").to_bytes(),
    apdu.change_reference_data("4321").to_bytes(),
]
INSTRUCTIONS = st.builds(
    lambda cla, ins, p1, p2, body: bytes((cla, ins, p1, p2)) + body,
    st.sampled_from([0x00, 0x80, 0xA0]),
    st.sampled_from([0xA4, 0xB0, 0x20, 0x2A, 0x84, 0x82, 0x2C, 0x24, 0xD6, 0x46]),
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=40),
)
COMMANDS = st.lists(st.one_of(st.sampled_from(USEFUL), INSTRUCTIONS, st.binary(max_size=300)), max_size=16)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commands=COMMANDS, power_cycles=st.lists(st.booleans(), max_size=16))
def test_transmit_never_raises_in_any_state(
    module_state: CardState, commands: list[bytes], power_cycles: list[bool]
) -> None:
    state = dataclasses.replace(module_state)
    applet = JpkiApplet(state, on_change=lambda s: None)
    for index, raw in enumerate(commands):
        if index < len(power_cycles) and power_cycles[index]:
            applet.power_off()
        response = applet.transmit(raw)
        assert isinstance(response, bytes) and len(response) >= 2
        assert response[-2:] != b"\x6f\x00"  # no internal error either
        assert 0 <= state.auth_tries_left <= 3
        assert 0 <= state.sign_tries_left <= 5
        assert 0 <= state.text_tries_left <= 3
        # whatever happens, no PIN is ever set to something of the wrong format
        cardfile.loads(cardfile.dumps(state))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(macs=st.lists(st.binary(min_size=16, max_size=16), min_size=1, max_size=8))
def test_no_unblock_without_the_administration_key(module_state: CardState, macs: list[bytes]) -> None:
    """A kiosk (no key) can try any MAC: the card never lets it reset a PIN."""
    state = dataclasses.replace(module_state, auth_tries_left=0)
    applet = JpkiApplet(state, on_change=lambda s: None)
    run(applet, apdu.select_ap(apdu.JPKI_AID), apdu.select_ef(apdu.AUTH_PIN))
    for mac in macs:
        run(applet, apdu.get_challenge(), apdu.external_authenticate(mac))
        assert run(applet, apdu.reset_retry_counter("1111")) == [0x6982]
    assert state.auth_tries_left == 0 and state.auth_pin == "1234"


@pytest.mark.parametrize("cut", ["power_off", "reset"])
def test_power_off_forgets_admin_authentication_challenge_and_every_pin(state: CardState, cut: str) -> None:
    from kofu.card.admin import admin_mac

    applet = JpkiApplet(state)
    run(applet, apdu.select_ap(apdu.JPKI_AID), apdu.select_ef(apdu.SIGN_PIN), apdu.verify("KOFU2016"))
    challenge = apdu.ResponseAPDU.parse(applet.transmit(apdu.get_challenge().to_bytes())).data
    assert run(applet, apdu.external_authenticate(admin_mac(state.admin_key, challenge))) == [0x9000]
    assert applet.admin_authenticated
    pending = apdu.ResponseAPDU.parse(applet.transmit(apdu.get_challenge().to_bytes())).data
    getattr(applet, cut)()
    assert not applet.admin_authenticated
    run(applet, apdu.select_ap(apdu.JPKI_AID), apdu.select_ef(apdu.SIGN_CERT))
    assert run(applet, apdu.read_binary(0, 4)) == [0x6982]  # signing PIN no longer verified
    assert run(applet, apdu.external_authenticate(admin_mac(state.admin_key, pending))) == [0x6985]
