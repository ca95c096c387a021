"""Words for the kiosk's own codes (steps taken at the wrong moment, device states).

Codes that come from the card, the centre or the city have their words in
`kofu.protocol.codes`; these few only the touch screen produces. `kiosk_message` looks here
first, then there.
"""

from __future__ import annotations

from kofu.protocol.codes import Message, message_for

KIOSK_MESSAGES: dict[str, Message] = {
    "kiosk.timeout": Message(
        "一定時間操作がなかったため、手続きを中止しました。投入されたお金はお返ししました。",
        "The service was cancelled because there was no operation for a while. Any money inserted was returned.",
    ),
    "kiosk.busy": Message(
        "ただいま処理中です。しばらくお待ちください。", "Please wait, the kiosk is still working."
    ),
    "kiosk.card.in_slot": Message(
        "カードリーダーにはすでにカードが置かれています。", "A card is already on the card reader."
    ),
    "kiosk.card.not_now": Message(
        "画面の案内に従ってカードを置いてください。", "Please place your card when the screen asks for it."
    ),
    "kiosk.card.none": Message("カードが置かれていません。", "There is no card on the reader."),
    "kiosk.card.take": Message(
        "カードをカードリーダーからお取りください。", "Please take your card from the card reader."
    ),
    "kiosk.city.unavailable": Message(
        "この証明書はご利用いただけません。", "This service is not available for your card."
    ),
    "kiosk.registration.incomplete": Message(
        "本籍と筆頭者を入力してください。",
        "Please enter your registered domicile and the head of the register.",
    ),
    "kiosk.document.none": Message("証明書の種類を選んでください。", "Please choose a document first."),
    "kiosk.payment.denomination": Message(
        "この硬貨・紙幣は使用できません。", "This coin or note is not accepted."
    ),
    "kiosk.payment.not_now": Message(
        "お支払いの画面でお金を入れてください。", "Please insert money on the payment screen."
    ),
    "kiosk.tray.empty": Message("取り出し口に証明書はありません。", "There is no document in the tray."),
    "kiosk.flow": Message(
        "操作の順序が正しくありません。最初からやり直してください。",
        "That step is not possible now. Please start again.",
    ),
    "kiosk.invalid": Message("入力が正しくありません。", "The input is not valid."),
    "kiosk.not_found": Message("そのページはありません。", "There is no such page."),
    "kiosk.timeout.left_behind": Message(
        "一定時間操作がなかったため、最初の画面に戻りました。取り出し口に残っていた証明書は回収しました。"
        "お住まいの市区町村の窓口へお問い合わせください。",
        "The screen returned to the start because there was no operation for a while. Documents left in "
        "the tray were collected. Please ask at your city office counter.",
    ),
    "kiosk.page.left": Message(
        "画面が切り替わったため、手続きを中止しました。投入されたお金はお返ししました。",
        "The screen was restarted, so the service was cancelled. Any money inserted was returned.",
    ),
    "kiosk.printer.paper_out": Message(
        "用紙が不足しているため、印刷できません。料金はかかりません。店員にお知らせください。",
        "The printer is out of paper, so nothing can be printed. Nothing is charged. Please tell the store staff.",
    ),
    "kiosk.maintenance.denied": Message(
        "保守用の認証情報が正しくありません。", "The maintenance credentials are not correct."
    ),
    "kiosk.host.refused": Message(
        "この端末の画面以外からは利用できません。", "This kiosk answers only its own screen."
    ),
    "kiosk.origin.refused": Message(
        "この端末の画面以外からの操作は受け付けません。", "Only this kiosk's own screen can operate it."
    ),
    "kiosk.token.refused": Message(
        "画面が古くなっています。画面を読み込み直してください。",
        "This screen is out of date. Please reload it.",
    ),
    "kiosk.body.too_large": Message("送られた内容が大きすぎます。", "What was sent is too large."),
    "kiosk.body.media_type": Message(
        "送られた内容の形式が正しくありません。", "What was sent has the wrong format."
    ),
    "kiosk.error": Message(
        "エラーが発生しました。最初からやり直してください。", "Something went wrong. Please start again."
    ),
}


def kiosk_message(code: str) -> Message:
    """The words for a code: the kiosk's own first, then the shared table (with its fallback)."""
    found = KIOSK_MESSAGES.get(code)
    if found is not None:
        return found
    return message_for(code)
