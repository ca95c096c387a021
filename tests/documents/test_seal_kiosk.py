"""The kiosk's check before printing: only a document sealed for this very order passes."""

from __future__ import annotations

import httpx
import pytest
from documents_samples import household
from seal_support import BINDING, CITY, SealPki, issued_today

from kofu.config import Settings
from kofu.documents import page_count, render_juminhyo
from kofu.kiosk.seals import KioskSeals
from kofu.pki.trust import TrustPublisher
from kofu.protocol.errors import LinkFailed, ProtocolViolation


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    pki = SealPki.create(tmp_path_factory.mktemp("pki"))
    data = issued_today(household())
    return pki, data, pki.seal(render_juminhyo(data), data)


def _seals(pki: SealPki, online: bool = True, verify_url: str = "") -> KioskSeals:
    publisher = TrustPublisher(pki.paths, {CITY: "西東京市"}, verify_url)

    def handler(request: httpx.Request) -> httpx.Response:
        if not online:
            raise httpx.ConnectError("centre down")
        assert request.url.path == "/trust-list" and request.url.port == 8452
        return httpx.Response(200, content=publisher.signed())

    client = httpx.Client(base_url="https://127.0.0.1:8443", transport=httpx.MockTransport(handler))

    class Link:
        pass

    link = Link()
    link.client = client  # type: ignore[attr-defined]
    return KioskSeals.for_center(link)


def test_the_right_document_passes_and_gets_its_paper_layers(sealed):
    pki, data, pdf = sealed
    seals = _seals(pki)
    expected = dict(city=CITY, doc="juminhyo", issue_number=data.issue_number, binding=BINDING, pages=1)
    code = seals.check(pdf, **expected)
    assert code.startswith("KOFU1:")
    sheets = seals.sheets(pdf, "西東京市", code)
    assert page_count(sheets) == 2 * page_count(pdf)  # a back for every front


@pytest.mark.parametrize(
    "wrong",
    [
        {"binding": "00" * 32},  # another order or card
        {"doc": "inkan"},
        {"issue_number": "99999999"},
        {"city": "132110"},
        {"pages": 2},
    ],
)
def test_anything_else_is_order_mismatch(sealed, wrong):
    pki, data, pdf = sealed
    expected = dict(city=CITY, doc="juminhyo", issue_number=data.issue_number, binding=BINDING, pages=1)
    with pytest.raises(ProtocolViolation) as err:
        _seals(pki).check(pdf, **{**expected, **wrong})
    assert err.value.code == "order.mismatch"


def test_an_unsealed_document_is_order_mismatch(sealed):
    pki, data, _pdf = sealed
    with pytest.raises(ProtocolViolation) as err:
        _seals(pki).check(
            render_juminhyo(data),
            city=CITY,
            doc="juminhyo",
            issue_number=data.issue_number,
            binding=BINDING,
            pages=1,
        )
    assert err.value.code == "order.mismatch"


def test_no_trust_list_means_no_order(sealed):
    pki, _data, _pdf = sealed
    with pytest.raises(LinkFailed) as err:
        _seals(pki, online=False).trust_list()
    assert err.value.code == "link.unavailable"


def test_the_backs_print_the_verification_address_the_centre_publishes(sealed, tmp_path):
    from test_paper_layers import HOW_TO_MM, WORDS_DPI, carries, sheet_images

    from kofu.documents.sheets import VERIFY_LINE

    pki, data, pdf = sealed
    settings = Settings.from_env(
        {"KOFU_VAR": str(tmp_path), "KOFU_PUBLIC_VERIFY_URL": "https://shoumei.example.jp/"}
    )
    assert settings.public_verify_url == "https://shoumei.example.jp/"
    assert Settings.from_env({"KOFU_VAR": str(tmp_path)}).public_verify_url == "https://127.0.0.1:8452/"
    seals = _seals(pki, verify_url=settings.public_verify_url)
    code = seals.check(
        pdf, city=CITY, doc="juminhyo", issue_number=data.issue_number, binding=BINDING, pages=1
    )
    back = sheet_images(seals.sheets(pdf, "西東京市", code))[1]
    assert carries(back, VERIFY_LINE.format(url="https://shoumei.example.jp/"), HOW_TO_MM, WORDS_DPI)
    assert not carries(back, VERIFY_LINE.format(url="https://127.0.0.1:8452/"), HOW_TO_MM, WORDS_DPI)
