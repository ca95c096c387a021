"""The consoles' words: Japanese first, English on the switch. ``WORDS[key] = (ja, en)``.

Error codes a console answers with have their words here too; codes shared with the kiosk
(``kofu.protocol.codes``) use the same words the resident reads.
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "skip": ("本文へ移動", "Skip to content"),
    "chart.minute": ("時刻（分）", "Minute"),
    "chart.orders": ("注文件数", "Orders"),
    "chart.figures": ("グラフの数値", "The chart's figures"),
    "chart.none": ("この時間帯の注文はありません。", "No orders in this window."),
    "chart.gap": ("標本なし（メトリクスを読めませんでした）", "No sample (the metrics could not be read)"),
    "signin": ("サインイン", "Sign in"),
    "signout": ("サインアウト", "Sign out"),
    "username": ("ユーザー名", "User name"),
    "password": ("パスワード", "Password"),
    "role.clerk": ("窓口職員", "Clerk"),
    "role.supervisor": ("責任者", "Supervisor"),
    "role.auditor": ("監査担当", "Auditor"),
    "lang.switch": ("English", "日本語"),
    "nav.main": ("メインメニュー", "Main menu"),
    "nav.audit": ("操作記録", "Audit trail"),
    "nav.explain": ("説明", "Explainer"),
    "nav.order_path": ("注文の経路", "Order path"),
    "nav.how": ("しくみ", "How it works"),
    "signed_in_as": ("サインイン中", "Signed in"),
    "audit.title": ("操作記録（誰が・いつ・何を・どこから）", "Audit trail (who, when, what, from where)"),
    "audit.at": ("日時 (UTC)", "When (UTC)"),
    "audit.who": ("職員", "Who"),
    "audit.action": ("操作", "Action"),
    "audit.target": ("対象", "Target"),
    "audit.detail": ("内容", "Detail"),
    "audit.remote": ("接続元", "From"),
    "audit.outcome": ("結果", "Outcome"),
    "error.title": ("操作できませんでした", "This could not be done"),
    "back": ("戻る", "Back"),
    "reason": ("理由", "Reason"),
    "done": ("完了しました", "Done"),
    "yes": ("はい", "yes"),
    "no": ("いいえ", "no"),
    "console.host.refused": ("このアドレスからは利用できません。", "This address is not the console's own."),
    "console.origin.refused": (
        "他のページからの送信は受け付けません。",
        "Forms are accepted from the console's own pages only.",
    ),
    "console.method.refused": ("この操作は受け付けません。", "This method is not accepted."),
    "console.form.too_large": ("入力が長すぎます。", "The form is too large."),
    "console.form.media_type": ("この形式の送信は受け付けません。", "This kind of form is not accepted."),
    "console.csrf": (
        "フォームの確認コードがありません。画面を開き直してください。",
        "The form's check code is missing or wrong; open the page again.",
    ),
    "console.signin.required": ("サインインしてください。", "Please sign in."),
    "console.role.refused": (
        "この操作はあなたの役割では行えません。",
        "Your role does not allow this.",
    ),
    "console.not_found": ("ページが見つかりません。", "There is no such page."),
    "console.invalid": ("入力内容に誤りがあります。", "Some of the input is not valid."),
    "console.field.too_long": ("入力が長すぎる項目があります。", "A field is too long."),
    "console.error": (
        "処理できませんでした。もう一度お試しください。",
        "This could not be done; please try again.",
    ),
    "staff.signin.failed": ("ユーザー名またはパスワードが違います。", "Wrong user name or password."),
    "staff.signin.locked": (
        "失敗が続いたため、このアカウントは一時的にロックされています。",
        "This account is locked for a while after repeated failures.",
    ),
}


def word(key: str, lang: str) -> str:
    """The words for ``key`` in ``lang`` (``ja`` or ``en``); a shared refusal code reads as the
    kiosk reads it; an unknown key reads as itself."""
    pair = WORDS.get(key)
    if pair is None:
        from kofu.protocol.codes import MESSAGES

        message = MESSAGES.get(key)
        if message is None:
            return key
        pair = (message.ja, message.en)
    return pair[1] if lang == "en" else pair[0]
