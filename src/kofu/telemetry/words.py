"""The explainer's words, in Japanese and English (Japanese first)."""

from __future__ import annotations

LANGS = ("ja", "en")

ACTORS: dict[str, tuple[str, str]] = {
    "kiosk": ("キオスク（コンビニのマルチコピー機）", "Kiosk (the store's copier)"),
    "center": ("証明書交付センター（J-LIS）", "Issuance centre (J-LIS)"),
    "gateway": ("市の中継サーバー", "City gateway"),
    "issuer": ("市の発行サーバー", "City issuer"),
    "registry": ("住民記録", "Resident register"),
}

HOP_WORDS: dict[str, tuple[str, str]] = {
    "order": (
        "注文（証明書の種類・通数・この注文だけに使うキオスクの公開鍵）",
        "The order (document, copies, a public key the kiosk made for this order only)",
    ),
    "order_form": (
        "TLS 1.3 で暗号化（双方が証明書で相手を確認）。証明書の中身はまだありません",
        "TLS 1.3, both sides proving who they are; no document yet",
    ),
    "city_order": (
        "市への依頼（注文と、市だけが使うカードの番号。センターは番号を保存しません）",
        "The request for the city (the order, and the card's number, which only the city uses; "
        "the centre keeps none)",
    ),
    "city_form": ("LGWAN 上の TLS 1.3（双方が証明書で確認）", "TLS 1.3 over LGWAN, both sides authenticated"),
    "pulled": (
        "発行サーバーが取りに行きます（市の内部ネットワークは外からの接続を受けません）",
        "The issuer fetches it (the city's internal network accepts no connection from outside)",
    ),
    "pull_form": ("TLS 1.3、発行サーバーから接続", "TLS 1.3, the connection opened by the issuer"),
    "sealed": (
        "証明書（PDF）。キオスクの鍵でしか開けられない封筒に入れて",
        "The document (PDF), in an envelope only the kiosk's key opens",
    ),
    "cipher_form": (
        "暗号文（HPKE）— センターも中継サーバーも読めません",
        "Ciphertext (HPKE) — neither the centre nor the gateway can read it",
    ),
    "relayed": ("同じ暗号文をそのまま中継", "The same ciphertext, relayed unchanged"),
    "cipher_back": (
        "暗号文 — センターは読めません。開けられるのはキオスクだけです",
        "Ciphertext — the centre cannot read it; only the kiosk can open it",
    ),
    "answer": ("市の回答（断りの理由のコード）", "The city's answer (a refusal code)"),
    "answer_form": ("TLS 1.3、個人の情報は含みません", "TLS 1.3, no personal data"),
}

CHECKS: dict[str, tuple[str, str]] = {
    "rule.resident": (
        "住民であること（転出・死亡・支援措置などがない）",
        "Is a resident (not moved out, deceased, protected …)",
    ),
    "rule.age": ("15歳以上であること", "Is 15 or older"),
    "rule.document": (
        "この証明書を今交付していること（時間・曜日・年末年始）",
        "The city issues this document now (hours, days, year end)",
    ),
    "rule.copies": ("通数が上限以内", "Copies within the city's limit"),
    "rule.seal": ("印鑑登録があること", "A seal registration exists"),
    "rule.tax": ("その年度の課税情報があること", "A tax record for that year"),
    "rule.household": ("選んだ世帯員が交付できる人であること", "The chosen household members may be shown"),
    "issuer.lookup": ("カードから住民を一度で探す", "Card → resident, in one read"),
    "issuer.prepare": ("記載事項をそろえる", "Gather what the document states"),
    "issuer.render": ("証明書の紙面を作る", "Draw the document"),
    "issuer.confirm": (
        "作った証明書を読み直し、本人だけが載っているか確認",
        "Re-read it: it names exactly the right people",
    ),
    "issuer.seal": ("公印（電子署名）と検証用QRを付ける", "Sign it with the city's seal and its QR"),
    "kiosk.print": ("支払いと印刷", "Payment and printing"),
    "center.outcome": ("結果をセンターに報告", "Outcome reported to the centre"),
}

TEXT: dict[str, tuple[str, str]] = {
    "title": ("注文の道のり", "The path of an order"),
    "how": ("しくみ", "How it works"),
    "recent": ("最近の注文", "Recent orders"),
    "none": ("まだ注文がありません。", "No orders yet."),
    "order_id": ("注文番号", "Order id"),
    "show": ("表示", "Show"),
    "hop": ("区間", "Hop"),
    "from_to": ("どこから → どこへ", "From → to"),
    "at": ("時刻（注文から）", "At (since the order)"),
    "took": ("所要", "Took"),
    "what": ("運ばれたもの", "What crossed"),
    "form": ("どんな形で", "In what form"),
    "size": ("大きさ", "Size"),
    "checks": ("市が確認したこと", "What the city checked"),
    "after": ("そのあと", "Afterwards"),
    "pass": ("適合", "passed"),
    "done": ("完了", "done"),
    "stopped": ("ここで止まりました", "Stopped here"),
    "complete": ("最後まで届きました", "Delivered end to end"),
    "resident": ("住民（市の記録から）", "Resident (from the city's record)"),
    "no_names": (
        "この画面には個人の情報を表示しません（センターは持っていません）。",
        "No personal data is shown here (the centre holds none).",
    ),
    "bad_id": (
        "注文番号の形が正しくありません（英数字・-・_ の64文字まで）。",
        "That is not an order id (up to 64 letters, digits, - or _).",
    ),
    "unknown": ("この注文番号の記録はありません。", "No record of that order id."),
    "sha": (
        "同じ暗号文であることを示す指紋（SHA-256 の先頭）",
        "Fingerprint showing it is the same ciphertext (start of SHA-256)",
    ),
    "document": ("証明書", "Document"),
    "outcome": ("結果", "Outcome"),
    "lang_switch": ("English", "日本語"),
}

HOW: tuple[tuple[str, str], ...] = (
    (
        "マイナンバーカードをコピー機に置き、4桁の暗証番号を入れます。暗証番号はカードの中で確かめられ、外には出ません。",
        "You place your My Number Card on the copier and type your 4-digit PIN. The card itself "
        "checks the PIN; it never leaves the card.",
    ),
    (
        "証明書交付センター（J-LIS）は、カードの電子署名と有効性を確かめ、あなたの市に注文を送ります。センターは証明書の中身を読めず、名前や住所を保存しません。",
        "The issuance centre (J-LIS) checks the card's signature and that it is valid, then sends "
        "the order to your city. The centre cannot read the document and keeps no name or address.",
    ),
    (
        "市の中継サーバーは注文を預かるだけです。市の発行サーバーは外から接続を受けず、自分から注文を取りに行きます。",
        "The city's gateway only holds the order. The city's issuer accepts no connection from "
        "outside: it fetches the order itself.",
    ),
    (
        "発行サーバーは住民記録をその場で読み、交付できるかを確かめ、証明書を作り、読み直して確認し、公印を付けます。",
        "The issuer reads the resident register live, checks the rules, draws the document, "
        "re-reads it and signs it with the city's seal.",
    ),
    (
        "証明書はそのコピー機の鍵でしか開けられない暗号文になって戻ります。コピー機は中身があなたの注文どおりか確かめてから、お金を受け取り印刷します。",
        "The document travels back as ciphertext only that copier can open. The copier checks it is "
        "exactly your order before it takes your money and prints.",
    ),
)
