"""Words for the kiosk's own codes (steps taken at the wrong moment, device states).

Codes that come from the card, the centre or the city have their words in
`kofu.protocol.codes`; these few only the touch screen produces. They belong there too once
that module owns them; until then `kiosk_message` looks here first.
"""

from __future__ import annotations

from kofu.protocol.codes import MESSAGES, Message, message_for

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
    "card.in_use": Message(
        "このカードはほかの端末で使用中です。", "This card is being used at another terminal."
    ),
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
    "kiosk.city.not_registered": Message(
        "本籍地の証明書を取得するには、事前に利用登録が必要です。お住まいの市区町村の証明書は取得できます。",
        "Documents of your registered domicile need a one-time registration first. Documents of the city "
        "where you live are available.",
    ),
    "kiosk.error": Message(
        "エラーが発生しました。最初からやり直してください。", "Something went wrong. Please start again."
    ),
    # Codes a peer may answer with that `kofu.protocol.codes` has no resident words for yet.
    "card.apdu.format": Message(
        "カードを読み取れませんでした。カードを置き直してください。",
        "The card could not be read. Please place it again.",
    ),
    "card.certificate.mismatch": Message(
        "カードの電子証明書を確認できませんでした。お住まいの市区町村の窓口へお問い合わせください。",
        "The card's certificate could not be checked. Please ask at your city office counter.",
    ),
    "order.unknown": Message(
        "手続きの有効期限が切れました。最初からやり直してください。料金はかかりません。",
        "The order has expired. Please start again. Nothing is charged.",
    ),
    "order.duplicate": Message(
        "同じ申請がすでに受け付けられています。最初からやり直してください。",
        "The same order was already received. Please start again.",
    ),
    "order.closed": Message(
        "この申請はすでに終了しています。最初からやり直してください。",
        "This order has already ended. Please start again.",
    ),
    "protocol.invalid": Message(
        "通信に問題が発生しました。最初からやり直してください。料金はかかりません。",
        "Something went wrong in the connection. Please start again. Nothing is charged.",
    ),
    "protocol.wrong_city": Message(
        "市区町村の確認に失敗しました。最初からやり直してください。料金はかかりません。",
        "The city could not be confirmed. Please start again. Nothing is charged.",
    ),
    "card.reader.unavailable": Message(
        "カードリーダーが使用できません。店員にお知らせください。",
        "The card reader is not working. Please tell the store staff.",
    ),
    "card.admin.rejected": Message(
        "このカードは現在ご利用いただけません。お住まいの市区町村の窓口へお問い合わせください。",
        "This card cannot be used now. Please ask at your city office counter.",
    ),
    "city.unknown": Message(
        "このカードの市区町村はこのサービスに参加していません。お住まいの市区町村の窓口へお問い合わせください。",
        "The city of this card does not take part in this service. Please ask at your city office counter.",
    ),
    "route.unknown": Message(
        "このカードの市区町村が見つかりません。お住まいの市区町村の窓口へお問い合わせください。",
        "The city of this card could not be found. Please ask at your city office counter.",
    ),
    "protocol.duplicate_request": Message(
        "同じ操作が重なりました。最初からやり直してください。",
        "The same request arrived twice. Please start again.",
    ),
}


# A family of codes a resident need not tell apart: the words of its first member.
FAMILIES = {"link.": "link.unavailable", "protocol.": "protocol.invalid", "route.": "route.unknown"}


def kiosk_message(code: str) -> Message:
    """The words for a code: the kiosk's own first, then the shared table (with its fallback)."""
    found = KIOSK_MESSAGES.get(code)
    if found is not None:
        return found
    family = next((base for prefix, base in FAMILIES.items() if code.startswith(prefix)), None)
    if family is not None and code not in MESSAGES:
        return kiosk_message(family)
    return message_for(code)
