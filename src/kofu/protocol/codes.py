"""Stable wire codes and the words a resident reads for each.

Every refusal and failure that can reach a kiosk screen carries one of these codes. The code
is the contract (tests assert on it, the centre counts it); the message is what the kiosk shows,
in Japanese and English, and says what to do next (usually: go to the city counter).

Every code an actor raises or answers with is here, or belongs to one of the ``FAMILIES`` whose
members share their first member's words. Only the touch screen's own codes (``kiosk.*``: steps
taken at the wrong moment, device states) have their words in ``kofu.kiosk.messages``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """What a resident is told for a code, in each language the kiosk speaks."""

    ja: str
    en: str


_COUNTER = ("お住まいの市区町村の窓口へお問い合わせください。", "Please ask at your city office counter.")


def _m(ja: str, en: str, *, counter: bool = True) -> Message:
    if counter:
        return Message(ja + _COUNTER[0], en + " " + _COUNTER[1])
    return Message(ja, en)


MESSAGES: dict[str, Message] = {
    # The card and its PIN.
    "card.pin.wrong": _m("暗証番号が違います。", "The PIN is not correct.", counter=False),
    "card.pin.blocked": _m(
        "暗証番号の入力を3回間違えたため、カードがロックされました。ロックの解除は市区町村の窓口で行います。",
        "The PIN was entered wrongly three times and the card is locked. It can be unlocked only at your city office.",
        counter=False,
    ),
    "card.pin.format": _m("暗証番号は4桁の数字です。", "The PIN is 4 digits.", counter=False),
    "card.removed": _m(
        "カードが取り外されたため、手続きを中止しました。",
        "The card was removed, so the service was cancelled.",
        counter=False,
    ),
    "card.error": _m("カードを読み取れませんでした。", "The card could not be read."),
    "card.not_found": _m("カードが見つかりません。", "No card was found.", counter=False),
    "card.certificate.malformed": _m(
        "カードの電子証明書を読み取れませんでした。", "The card's certificate could not be read."
    ),
    "card.certificate.untrusted": _m(
        "このカードの電子証明書は利用できません。", "This card's certificate is not accepted."
    ),
    "card.certificate.expired": _m(
        "カードの電子証明書の有効期限が切れています。", "The card's certificate has expired."
    ),
    "card.certificate.revoked": _m(
        "カードの電子証明書は失効しています。", "The card's certificate has been revoked."
    ),
    "card.certificate.crl_invalid": _m(
        "現在、カードの確認ができません。", "The card cannot be checked right now."
    ),
    "card.signature.invalid": _m("カードの確認に失敗しました。", "The card could not be verified."),
    "card.in_use": Message(
        "このカードはほかの端末で使用中です。", "This card is being used at another terminal."
    ),
    "card.apdu.format": Message(
        "カードを読み取れませんでした。カードを置き直してください。",
        "The card could not be read. Please place it again.",
    ),
    "card.certificate.mismatch": Message(
        "カードの電子証明書を確認できませんでした。お住まいの市区町村の窓口へお問い合わせください。",
        "The card's certificate could not be checked. Please ask at your city office counter.",
    ),
    "card.reader.unavailable": Message(
        "カードリーダーが使用できません。店員にお知らせください。",
        "The card reader is not working. Please tell the store staff.",
    ),
    "card.admin.rejected": Message(
        "このカードは現在ご利用いただけません。お住まいの市区町村の窓口へお問い合わせください。",
        "This card cannot be used now. Please ask at your city office counter.",
    ),
    "card.unknown": _m(
        "このカードではご利用いただけません。", "This card is not registered for this service."
    ),
    # Sessions at the centre.
    "session.invalid": _m(
        "手続きの有効期限が切れました。最初からやり直してください。",
        "The session has ended. Please start again.",
        counter=False,
    ),
    "session.replayed": _m(
        "手続きの有効期限が切れました。最初からやり直してください。",
        "The session has ended. Please start again.",
        counter=False,
    ),
    "session.used": _m(
        "この手続きではすでに申請されています。カードを置くところからやり直してください。",
        "This visit has already placed its order. Please start again from placing your card.",
        counter=False,
    ),
    # Routing a card to its cities at the centre.
    "city.unknown": Message(
        "このカードの市区町村はこのサービスに参加していません。お住まいの市区町村の窓口へお問い合わせください。",
        "The city of this card does not take part in this service. Please ask at your city office counter.",
    ),
    "route.unknown": Message(
        "このカードの市区町村が見つかりません。お住まいの市区町村の窓口へお問い合わせください。",
        "The city of this card could not be found. Please ask at your city office counter.",
    ),
    # The city's rules.
    "city.resident.not_found": _m(
        "住民記録が見つかりません。", "No residence record was found for this card."
    ),
    "city.resident.moved_out": _m(
        "転出されているため、証明書を発行できません。",
        "You have moved out of this city, so no document can be issued.",
    ),
    "city.resident.deceased": _m(
        "この住民記録では証明書を発行できません。", "No document can be issued for this record."
    ),
    "city.resident.dv_protected": _m(
        "この住民記録はコンビニ交付の対象外です。",
        "This record cannot be issued at a convenience store.",
    ),
    "city.resident.pending_change": _m(
        "住民記録の変更手続き中のため、証明書を発行できません。",
        "Your record is being changed, so no document can be issued now.",
    ),
    "city.document.not_offered": _m(
        "この証明書はコンビニでは発行していません。",
        "This document is not issued at convenience stores.",
    ),
    "city.document.outside_hours": _m(
        "この証明書の発行時間外です。", "This document is not available at this time.", counter=False
    ),
    "city.resident.under_15": _m(
        "15歳未満の方はコンビニでは証明書を取得できません。",
        "Documents cannot be issued at a convenience store to people under 15.",
    ),
    "city.resident.household_refused": _m(
        "世帯の方の記録により、この内容では発行できません。",
        "Because of a household member's record, this cannot be issued as chosen.",
    ),
    "city.inkan.not_registered": _m(
        "印鑑登録がないため、印鑑登録証明書を発行できません。",
        "You have no seal registration, so no seal certificate can be issued.",
    ),
    "city.inkan.name_mismatch": _m(
        "登録されている印影が現在の氏名と一致しないため、印鑑登録証明書を発行できません。",
        "The registered seal does not show your current name, so no seal certificate can be issued.",
    ),
    "city.inkan.abolished": _m(
        "印鑑登録が廃止されているため、印鑑登録証明書を発行できません。",
        "Your seal registration has been cancelled, so no seal certificate can be issued.",
    ),
    "city.kazei.year_not_offered": _m(
        "ご指定の年度の課税証明書はコンビニでは発行していません。",
        "The tax certificate for that year is not issued at convenience stores.",
    ),
    "city.kazei.not_declared": _m(
        "所得の申告がないため、課税証明書を発行できません。",
        "No income declaration was filed, so no tax certificate can be issued.",
    ),
    "city.kazei.no_record": _m(
        "ご指定の年度の課税記録がありません（その年の1月1日にお住まいでなかった場合など）。",
        "There is no tax record for that year (for example, you did not live here on 1 January).",
    ),
    "city.koseki.not_found": _m(
        "この市区町村に戸籍がないため、戸籍の証明書を発行できません。",
        "Your family register is not kept in this city, so it cannot be issued here.",
    ),
    "city.registration.mismatch": _m(
        "ご入力の本籍・筆頭者では利用登録できません。",
        "The registered domicile and head of register given do not match.",
    ),
    "city.registration.exists": _m(
        "別の本籍で利用登録済み、または申請中です。",
        "A registration for another register is already in place or pending.",
    ),
    "city.member.not_in_household": _m(
        "選択された方はこの世帯に含まれていません。",
        "A chosen person is not in your household.",
        counter=False,
    ),
    "city.unavailable": _m(
        "市区町村のシステムに接続できません。しばらくしてからお試しください。",
        "The city's system cannot be reached. Please try again later.",
        counter=False,
    ),
    "city.busy": _m(
        "ただいま混み合っています。しばらくお待ちください。",
        "The city's system is busy. Please wait a moment.",
        counter=False,
    ),
    "city.stopped": _m(
        "現在、この市区町村の証明書は発行を停止しています。",
        "Documents from this city are suspended at the moment.",
    ),
    "document.render_failed": _m("証明書を作成できませんでした。", "The document could not be made."),
    "document.too_long": _m(
        "氏名または住所が長いため、コンビニでは発行できません。",
        "The name or address is too long to print here.",
    ),
    # Orders.
    "order.invalid": _m(
        "ご指定の内容では発行できません。", "This order cannot be issued as chosen.", counter=False
    ),
    "order.copies.invalid": _m(
        "部数が正しくありません。", "The number of copies is not allowed.", counter=False
    ),
    "order.mismatch": _m(
        "証明書の確認に失敗したため、印刷を中止しました。料金はかかりません。",
        "The document failed its check, so nothing was printed and nothing is charged.",
    ),
    "order.unknown": Message(
        "手続きの有効期限が切れました。最初からやり直してください。料金はかかりません。",
        "The order has expired. Please start again. Nothing is charged.",
    ),
    "order.duplicate": Message(
        "同じ申請がすでに受け付けられています。最初からやり直してください。",
        "The same order was already received. Please start again.",
    ),
    "order.outcome.conflict": Message(
        "この申請の結果はすでに記録されています。料金は記録どおりです。",
        "How this order ended is already recorded; the fee stands as recorded.",
    ),
    "order.closed": Message(
        "この申請はすでに終了しています。最初からやり直してください。",
        "This order has already ended. Please start again.",
    ),
    # The tamper-evident logs: a signed tree head handed over that does not verify.
    "history.head.invalid": Message(
        "記録の確認に失敗しました。係員にお知らせください。",
        "A record could not be verified. Please tell the staff.",
    ),
    # A peer answered something malformed or out of order.
    "protocol.invalid": Message(
        "通信に問題が発生しました。最初からやり直してください。料金はかかりません。",
        "Something went wrong in the connection. Please start again. Nothing is charged.",
    ),
    "protocol.wrong_city": Message(
        "市区町村の確認に失敗しました。最初からやり直してください。料金はかかりません。",
        "The city could not be confirmed. Please start again. Nothing is charged.",
    ),
    "protocol.duplicate_request": Message(
        "同じ操作が重なりました。最初からやり直してください。",
        "The same request arrived twice. Please start again.",
    ),
    # The kiosk's own devices (its other screen codes have their words in kofu.kiosk.messages).
    "kiosk.payment.insufficient": _m(
        "投入金額が不足しています。", "Not enough money has been inserted.", counter=False
    ),
    "kiosk.print.failed": _m(
        "印刷できませんでした。料金はお返しします。",
        "Printing failed. Your money is returned.",
        counter=False,
    ),
    # The public verifier's limits.
    "verify.too_large": Message(
        "ファイルが大きすぎます。証明書のPDF、またはスキャン・写真（数メガピクセルまで）を送ってください。",
        "The file is too large. Send the document's PDF, or a scan or photo of a few megapixels.",
    ),
    "verify.rate_limited": Message(
        "確認の回数が多すぎます。しばらくしてからお試しください。",
        "Too many checks. Please try again in a little while.",
    ),
    "verify.busy": Message(
        "ただいま混み合っています。しばらくしてからお試しください。",
        "The verifier is busy. Please try again in a little while.",
    ),
    # A hop that did not answer, or refused the peer.
    "link.unavailable": _m(
        "現在サービスに接続できません。しばらくしてからお試しください。",
        "The service cannot be reached right now. Please try again later.",
        counter=False,
    ),
}


#: Families of codes a resident need not tell apart: a member without words of its own (e.g.
#: ``link.timeout``, ``link.peer.rejected``, ``protocol.envelope``, ``route.conflict``) is told with
#: the words of its family's first member.
FAMILIES: dict[str, str] = {
    "link.": "link.unavailable",
    "protocol.": "protocol.invalid",
    "route.": "route.unknown",
}


def family_of(code: str) -> str | None:
    """The code whose words a code of a family borrows (None outside the families)."""
    return next((base for prefix, base in FAMILIES.items() if code.startswith(prefix)), None)


def message_for(code: str) -> Message:
    """The resident-facing message for a code: its own, its family's, or a generic one."""
    found = MESSAGES.get(code)
    if found is not None:
        return found
    family = family_of(code)
    if family is not None:
        return MESSAGES[family]
    return _m("証明書を発行できませんでした。", "The document could not be issued.")
