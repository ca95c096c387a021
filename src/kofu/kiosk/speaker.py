"""The copier's speaker: what is said at each step, and the driver interface that says it.

Voice guidance follows the resident through the visit and keeps reminding them to take the
card, the documents and the change until they are taken or the stop button is pressed. The
words live here, in Japanese and English, so every driver says the same thing; the page fetches
them from `/api/guidance`.

Drivers implement `Speaker`. This kiosk's speaker is the page itself (`PageSpeaker`,
``KOFU_SPEAKER=page``): kiosk.js has the same two calls, speaks with the browser's Web Speech
API in a ja-JP or en-US voice, and shows each phrase in the SIMULATED speaker panel (a headless
browser has no voice at all, so the panel and `window.kofuSpeech` are how tests hear it). A
copier with its own audio module would implement `say`/`stop` for that module and name it in
``KOFU_SPEAKER`` (see `kofu.kiosk.equipment`).
"""

from __future__ import annotations

from typing import Protocol

from kofu.protocol.codes import Message
from kofu.protocol.kiosk_screen import Guidance, Phrase

VOICES = {"ja": "ja-JP", "en": "en-US"}
REMIND_SECONDS = 6.0  # how often an unheeded reminder is repeated


class Speaker(Protocol):
    """Says one phrase in a language (`ja-JP`, `en-US`); `stop` silences it and any reminder."""

    driver: str
    simulated: bool

    def say(self, text: str, voice: str) -> None: ...
    def stop(self) -> None: ...


class PageSpeaker:
    """SIMULATED speaker driver: the touch-screen page speaks (see kiosk.js `speaker`)."""

    driver = "page (Web Speech API): the touch-screen page speaks and shows each phrase"
    simulated = True

    def say(self, text: str, voice: str) -> None:  # the page speaks what it renders
        return None

    def stop(self) -> None:
        return None


GUIDANCE: dict[str, Message] = {
    "start": Message("ご利用になるサービスを選んでください。", "Please choose a service on the screen."),
    "service": Message("証明書交付サービスを選んでください。", "Please choose certificate issuance."),
    "kind": Message("取得する証明書の種類を選んでください。", "Please choose which documents you need."),
    "place": Message(
        "マイナンバーカードをカードリーダーに置いてください。",
        "Please place your My Number Card on the card reader.",
    ),
    "pin": Message(
        "暗証番号、数字4桁を入力し、確定を押してください。",
        "Please enter your four-digit PIN and press OK.",
    ),
    "pinWrong": Message(
        "暗証番号が違います。もう一度入力してください。",
        "The PIN is not correct. Please enter it again.",
    ),
    "remove": Message(
        "カードをカードリーダーからお取りください。", "Please take your card from the card reader."
    ),
    "city": Message("市区町村を選んでください。", "Please choose the city."),
    "register": Message(
        "本籍地の証明書を取得するには、利用登録の申請が必要です。本籍地の市区町村を選び、本籍と筆頭者を入力してください。",
        "To get documents of your registered domicile, please apply for registration first: choose the "
        "city of your domicile, then enter your domicile and the head of the register.",
    ),
    "registered": Message(
        "利用登録の申請を受け付けました。本籍地の市区町村が確認します。確認にはおよそ5営業日かかります。",
        "Your application was received. The city will check it; this takes about five business days.",
    ),
    "history": Message(
        "あなたの名前で交付された証明書の一覧です。確認したら、終了を押してください。",
        "These are the documents issued in your name. When you have read them, press Finish.",
    ),
    "document": Message("証明書を選んでください。", "Please choose a document."),
    "options": Message(
        "証明書に記載する内容を選び、次へを押してください。",
        "Please choose what the document shows, then press Next.",
    ),
    "copies": Message("部数を選んでください。", "Please choose the number of copies."),
    "confirm": Message(
        "内容と料金を確認し、発行するを押してください。",
        "Please check the order and the fee, then press Issue.",
    ),
    "preparing": Message(
        "証明書を準備しています。しばらくお待ちください。",
        "Your document is being prepared. Please wait.",
    ),
    "payment": Message(
        "料金を入れて、印刷するを押してください。", "Please insert the fee, then press Print."
    ),
    "printing": Message("印刷しています。しばらくお待ちください。", "Printing. Please wait."),
    "done": Message("証明書とおつりをお取りください。", "Please take your documents and your change."),
    "takeDocs": Message(
        "取り出し口から証明書をお取りください。", "Please take your documents from the tray."
    ),
    "takeChange": Message("おつりをお取りください。", "Please take your change."),
    "error": Message(
        "手続きを続けられません。画面の案内をご確認ください。",
        "The service cannot continue. Please read the screen.",
    ),
    "cancelled": Message("手続きを中止しました。", "The service was cancelled."),
    "idle": Message(
        "まもなく最初の画面に戻ります。続ける場合は、続けるを押してください。",
        "The screen will soon return to the start. Press Continue to go on.",
    ),
    "maintenance": Message("保守モードです。", "Maintenance mode."),
}


def guidance(speaker: Speaker) -> Guidance:
    """What the page needs to speak: phrases per step, voices, and the reminder interval."""
    return Guidance(
        phrases={key: Phrase(ja=m.ja, en=m.en) for key, m in GUIDANCE.items()},
        voices=VOICES,
        remind_seconds=REMIND_SECONDS,
        driver=speaker.driver,
    )
