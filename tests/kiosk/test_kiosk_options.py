"""Options as the city defines them (shown_when, multiple), refused offers, and 利用登録 — in-process.

The centre is the UNIT-TEST FAKE of `test_kiosk_app`, extended with a 戸籍 offer whose member
chooser applies only to 個人事項, a 住民票 whose chosen members are a multi-select, a 附票
refused as outside hours, and a 利用登録 that records what the kiosk sent.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from kofu.card.store import CardStore
from kofu.protocol.codes import MESSAGES
from kofu.protocol.kiosk_center import (
    DocumentOffer,
    Menu,
    OptionSpec,
    OrderRequest,
    OrderResult,
    RegistrationRequest,
    RegistrationResult,
)
from tests.kiosk.test_kiosk_app import CITY, LABEL, OTHER_CITY, PIN, FakeCenter, _client, assert_error


def _spec(name: str, choices: list[str], **extra: object) -> OptionSpec:
    return OptionSpec(
        name=name,
        label_ja=name,
        label_en=name,
        choices=choices,
        choice_labels_ja=[f"{c}ja" for c in choices],
        choice_labels_en=[f"{c}en" for c in choices],
        **extra,  # type: ignore[arg-type]
    )


class OptionsCenter(FakeCenter):
    """UNIT-TEST FAKE: the menu carries conditional, multi-select and refused offers."""

    def __init__(self) -> None:
        super().__init__()
        self.ordered: list[dict[str, str]] = []
        self.applications: list[tuple[str, bytes]] = []

    def menu(self, token: str, city_code: str, menu_key: bytes | None = None) -> Menu:
        juminhyo = DocumentOffer(
            doc="juminhyo",
            title_ja="住民票の写し",
            title_en="Certificate of residence",
            fee=200,
            max_copies=10,
            options=[
                _spec("household", ["self", "all", "members"]),
                _spec("members", ["p1", "p2", "p3"], multiple=True, shown_when={"household": "members"}),
            ],
        )
        koseki = DocumentOffer(
            doc="koseki",
            title_ja="戸籍証明書",
            title_en="Family register",
            fee=450,
            max_copies=10,
            options=[
                _spec("scope", ["zenbu", "kojin"]),
                _spec("member", ["m1", "m2"], shown_when={"scope": "kojin"}),
            ],
        )
        fuhyo = DocumentOffer(
            doc="fuhyo",
            title_ja="戸籍の附票の写し",
            title_en="Register attachment",
            fee=300,
            max_copies=10,
            refusal="city.document.outside_hours",
            hours="平日 09:00–17:00",
        )
        return Menu(city_code=city_code, city_name="西東京市", documents=[juminhyo, koseki, fuhyo])

    def order(self, token: str, order: OrderRequest) -> OrderResult:
        self.ordered.append(dict(order.options))
        return super().order(token, order)

    def registration_key(self, token: str, city_code: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def register(self, token: str, request: RegistrationRequest) -> RegistrationResult:
        self.applications.append((request.city_code, request.application))
        return RegistrationResult(city_code=request.city_code, registration_id=7, status="pending")


def _to_menu(client: TestClient) -> None:
    client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
    client.post("/api/pin", json={"pin": PIN}).raise_for_status()
    client.post("/api/card/remove").raise_for_status()
    client.post("/api/city", json={"kind": "residence"}).raise_for_status()


def test_refused_offer_carries_its_message_and_cannot_be_chosen(store: CardStore) -> None:
    with _client(store, OptionsCenter()) as client:
        _to_menu(client)
        menu = client.get("/api/menu").json()["menu"]
        fuhyo = next(d for d in menu["documents"] if d["doc"] == "fuhyo")
        assert fuhyo["refusal_ja"] == MESSAGES["city.document.outside_hours"].ja
        assert "member_envelope" not in menu
        assert_error(client.post("/api/document", json={"doc": "fuhyo"}), "city.document.outside_hours")


def test_hidden_option_is_neither_confirmed_nor_ordered(store: CardStore) -> None:
    center = OptionsCenter()
    with _client(store, center) as client:
        _to_menu(client)
        client.post("/api/document", json={"doc": "koseki"}).raise_for_status()
        confirm = client.get("/api/confirm").json()
        assert [o["name"] for o in confirm["options"]] == ["scope"]  # 全部: no member chooser
        client.post("/api/options", json={"options": {"scope": "kojin", "member": "m2"}}).raise_for_status()
        confirm = client.get("/api/confirm").json()
        assert [(o["name"], o["value"]) for o in confirm["options"]] == [("scope", "kojin"), ("member", "m2")]
        client.post("/api/options", json={"options": {"scope": "zenbu"}}).raise_for_status()
        client.post("/api/order").raise_for_status()
        assert center.ordered == [{"scope": "zenbu"}]


def test_multiple_members_are_checked_confirmed_and_ordered(store: CardStore) -> None:
    center = OptionsCenter()
    with _client(store, center) as client:
        _to_menu(client)
        client.post("/api/document", json={"doc": "juminhyo"}).raise_for_status()
        for bad in ("p1,p1", "p1,p9", ""):
            assert_error(
                client.post("/api/options", json={"options": {"household": "members", "members": bad}}),
                "order.invalid",
            )
        chosen = {"household": "members", "members": "p1,p3"}
        client.post("/api/options", json={"options": chosen}).raise_for_status()
        confirm = client.get("/api/confirm").json()
        assert confirm["options"][1]["value_ja"] == "p1ja、p3ja"
        assert confirm["options"][1]["value_en"] == "p1en, p3en"
        client.post("/api/order").raise_for_status()
        assert center.ordered == [chosen]


def test_registration_lists_other_cities_and_sends_the_application(store: CardStore) -> None:
    center = OptionsCenter()
    with _client(store, center) as client:
        client.post("/api/card/place", json={"card": LABEL}).raise_for_status()
        client.post("/api/pin", json={"pin": PIN}).raise_for_status()
        assert_error(client.get("/api/registration/cities"), "kiosk.card.take")
        client.post("/api/card/remove").raise_for_status()
        cities = client.get("/api/registration/cities").json()["cities"]
        assert [c["city_code"] for c in cities] == [OTHER_CITY]  # not the residence city
        body = {"city_code": CITY, "honseki": "東京都", "hittosha": "山田 太郎"}
        assert_error(client.post("/api/registration", json=body), "kiosk.city.unavailable")
        body = {"city_code": OTHER_CITY, "honseki": "   ", "hittosha": "山田 太郎"}
        assert_error(client.post("/api/registration", json=body), "kiosk.registration.incomplete")
        body = {
            "city_code": OTHER_CITY,
            "honseki": "東京都小平市小川町一丁目100番地",
            "hittosha": "山田 太郎",
        }
        done = client.post("/api/registration", json=body).json()["registration"]
        assert done == {
            "city_code": OTHER_CITY,
            "city_name": "小平市",
            "registration_id": 7,
            "status": "pending",
        }
        assert center.applications and b"\xe5\xb1\xb1" not in center.applications[0][1]  # sealed
