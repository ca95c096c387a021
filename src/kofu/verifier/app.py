"""The centre's PUBLIC surface (server-only TLS, no client certificate): trust list and checker.

    GET  /trust-list   the signed trust list (JSON, see kofu.pki.trust)
    GET  /             the verification page: upload a scan or photo, or paste the code text
    POST /verify       the same check, answered as a page showing the signed fields
    POST /v1/verify    the same check as JSON (multipart ``file`` or form field ``code``)

Anything uploaded is checked in memory and forgotten; nothing of it is logged or stored.
"""

from __future__ import annotations

import ssl
from html import escape
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kofu.net.app import install_error_handlers
from kofu.pki.paths import PkiPaths
from kofu.pki.trust import TrustPublisher
from kofu.protocol import public
from kofu.protocol.errors import LinkFailed
from kofu.protocol.link import route
from kofu.sealcode.verify import Status, Verdict, is_pdf, verify_codes, verify_file
from kofu.verifier.limits import MAX_UPLOAD, Gate, TooLarge, check_image, check_pdf

_PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>証明書の確認 / Verify a document — kofu</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.3rem .6rem;text-align:left}}
.valid{{color:#060}}.invalid{{color:#a00}}textarea{{width:100%}}
.sheet{{position:relative;width:100%;border:1px solid #999;background:#fff;margin:.6rem 0 1.2rem;
overflow:hidden;font-family:serif}}.sheet span{{position:absolute;white-space:pre;line-height:1}}
.sheet img{{position:absolute;image-rendering:pixelated}}</style></head><body>
<h1>コンビニ交付証明書の確認 / Verify a document</h1>
{result}
<form method="post" action="/verify" enctype="multipart/form-data">
<p>証明書のPDF・スキャン画像・写真 / PDF, scan or photo: <input type="file" name="file"
 accept="application/pdf,image/png,image/jpeg"></p>
<p>またはコードの内容を貼り付け（1行に1つ） / or paste the codes' text, one a line (KOFU1:…, KOFUP1:…):<br>
<textarea name="code" rows="4"></textarea></p>
<p><button type="submit">確認する / Verify</button></p></form>
<p>信頼リスト / trust list: <a href="/trust-list">/trust-list</a></p></body></html>"""

_LABELS = {
    "city": "市区町村コード / city",
    "document": "証明書 / document",
    "issue_number": "発行番号 / issue number",
    "issue_date": "発行日 / issue date",
    "pages": "枚数 / pages",
    "people": "氏名・生年月日 / people",
    "address": "住所 / address",
    "text_sha256": "全文のSHA-256 / text hash",
    "order_binding": "注文の結合値 / order binding",
    "manifest_sha256": "PDFの構成のSHA-256 / manifest hash",
}
_EM = 0.352778  # millimetres per point


def _preview_png(rows: list[str]) -> str:
    """A picture's 1-bit preview as a data: URL (vermilion ink on transparent)."""
    import base64
    import io

    from PIL import Image

    image = Image.new("RGBA", (len(rows[0]) if rows else 1, max(1, len(rows))), (0, 0, 0, 0))
    for y, row in enumerate(rows):
        for x, ink in enumerate(row):
            if ink == "#":
                image.putpixel((x, y), (220, 40, 25, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def render_pages(pages: list[dict[str, Any]]) -> str:
    """The signed content of each page laid out like the front (positions in % of the page)."""
    out = []
    for page in pages:
        width, height = float(page["width"]), float(page["height"])
        spans = []
        for line in page["lines"]:
            for run in line:
                left, top = 100 * run["x"] / width, 100 * (run["y"] - run["size"] * _EM * 0.88) / height
                size = 100 * run["size"] * _EM / width  # in % of the sheet's width (container query units)
                spans.append(
                    f"<span style='left:{left:.2f}%;top:{top:.2f}%;font-size:{size:.3f}cqw'>"
                    f"{escape(run['text'])}</span>"
                )
        for picture in page["pictures"]:
            left, top = 100 * picture["x"] / width, 100 * picture["y"] / height
            w, h = 100 * picture["width"] / width, 100 * picture["height"] / height
            spans.append(
                f"<img alt='{escape(picture['kind'])}' src='{_preview_png(picture['preview'])}' "
                f"style='left:{left:.2f}%;top:{top:.2f}%;width:{w:.2f}%;height:{h:.2f}%'>"
            )
        out.append(
            f"<h3>{page['page']}枚目の記載内容（市区町村の電子署名付き） / page {page['page']}, as signed</h3>"
            f"<div class='sheet' style='aspect-ratio:{width}/{height};container-type:inline-size'>"
            f"{''.join(spans)}</div>"
        )
    return "".join(out)


def render_verdict(verdict: Verdict) -> str:
    """The verdict and signed fields as an HTML fragment (every value escaped)."""
    css = "valid" if verdict.ok else "invalid"
    head = "有効 / VALID" if verdict.ok else "無効 / NOT VALID"
    rows = [f"<tr><th>判定 / verdict</th><td class='{css}'>{head}: {escape(verdict.status.value)}</td></tr>"]
    rows.append(
        f"<tr><th>理由 / reason</th><td>{escape(verdict.reason)} — {escape(verdict.detail)}</td></tr>"
    )
    if verdict.city_name:
        rows.append(f"<tr><th>発行者 / issuer</th><td>{escape(verdict.city_name)}</td></tr>")
    fields = verdict.fields()
    if fields is not None:
        for key, value in fields.items():
            if key == "people":
                value = "<br>".join(f"{escape(p['name'])}（{escape(p['birth_date'])}）" for p in value)
            else:
                value = escape(str(value))
            rows.append(f"<tr><th>{escape(_LABELS.get(key, key))}</th><td>{value}</td></tr>")
    if verdict.ok and not verdict.text_checked:
        rows.append(
            "<tr><td colspan=2>画像からは署名のみ確認しました。下に表示された記載内容と用紙の表面を"
            "一行ずつ見比べ、すべて一致するか確かめてください。"
            " / From an image only the signatures are checked: compare the content below with the"
            " front of the paper, line by line.</td></tr>"
        )
    pages = render_pages(verdict.as_dict()["pages"]) if verdict.ok else ""
    return f"<h2>結果 / Result</h2><table>{''.join(rows)}</table>{pages}"


def _verify_bounded(gate: Gate, data: bytes, trust: Any) -> Verdict:
    """``verify_file`` inside the limits: sizes checked before anything is drawn or decoded."""
    if is_pdf(data):
        check_pdf(data)
    else:
        check_image(data)
    with gate.slot():
        return verify_file(data, trust)


def public_tls_context(paths: PkiPaths) -> ssl.SSLContext:
    """Server-only TLS 1.3 with the centre's certificate: anyone may connect, no client certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.verify_mode = ssl.CERT_NONE
    ctx.load_cert_chain(str(paths.tls_cert("center", "center")), str(paths.tls_key("center", "center")))
    return ctx


def create_public_app(publisher: TrustPublisher | None = None, *, gate: Gate | None = None) -> FastAPI:
    """The public app, answering from ``publisher``'s trust list (None: for its OpenAPI only)."""
    app = FastAPI(title="kofu public verification", docs_url=None, redoc_url=None)
    install_error_handlers(app)
    gate = gate or Gate()

    def trusted() -> TrustPublisher:
        if publisher is None:
            raise LinkFailed("link.unavailable", "no trust list here")
        return publisher

    async def check(request: Request) -> Verdict:
        gate.admit(request.client.host if request.client else "?")
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            raise TooLarge("verify.too_large", "a verification needs a Content-Length")
        if int(length) > MAX_UPLOAD:
            raise TooLarge("verify.too_large", f"more than {MAX_UPLOAD} bytes")
        try:
            form = await request.form(max_files=1, max_fields=4, max_part_size=MAX_UPLOAD)
        except Exception as exc:  # a malformed multipart body, a part too large
            raise TooLarge("verify.too_large", "the form could not be read") from exc
        upload, code = form.get("file"), form.get("code")
        trust = await run_in_threadpool(trusted().trust_list)
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                raise TooLarge("verify.too_large", f"more than {MAX_UPLOAD} bytes")
            return await run_in_threadpool(_verify_bounded, gate, data, trust)
        if isinstance(code, str) and code.strip():
            # One code a line (base45 has spaces, never line breaks): a front code or back parts.
            lines = [line.strip("\r\n") for line in code.strip().splitlines() if line.strip()]
            return verify_codes(lines, trust)
        return Verdict(Status.MALFORMED, "seal.code.missing", "no file and no code given")

    @route(app, public.TRUST_LIST)
    async def trust_list() -> Response:
        blob = await run_in_threadpool(trusted().signed)
        return Response(blob, media_type="application/json", headers={"cache-control": "max-age=300"})

    @route(app, public.PAGE)
    async def page() -> HTMLResponse:
        return HTMLResponse(_PAGE.format(result=""))

    @route(app, public.VERIFY_FORM)
    async def verify_page(request: Request) -> HTMLResponse:
        return HTMLResponse(_PAGE.format(result=render_verdict(await check(request))))

    @route(app, public.VERIFY)
    async def verify_json(request: Request) -> JSONResponse:
        verdict = await check(request)
        body: dict[str, Any] = verdict.as_dict()
        return JSONResponse(body, status_code=200)

    return app
