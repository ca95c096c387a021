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

from kofu.documents.verify import Status, Verdict, verify_code, verify_file
from kofu.pki.paths import PkiPaths
from kofu.pki.trust import TrustPublisher
from kofu.protocol import public
from kofu.protocol.errors import LinkFailed
from kofu.protocol.link import route

MAX_UPLOAD = 15 * 1024 * 1024

_PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>証明書の確認 / Verify a document — kofu</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.3rem .6rem;text-align:left}}
.valid{{color:#060}}.invalid{{color:#a00}}textarea{{width:100%}}</style></head><body>
<h1>コンビニ交付証明書の確認 / Verify a document</h1>
{result}
<form method="post" action="/verify" enctype="multipart/form-data">
<p>証明書のPDF・スキャン画像・写真 / PDF, scan or photo: <input type="file" name="file"
 accept="application/pdf,image/png,image/jpeg"></p>
<p>またはQRコードの内容を貼り付け / or paste the code text (KOFU1:…):<br>
<textarea name="code" rows="4"></textarea></p>
<p><button type="submit">確認する / Verify</button></p></form>
<p>信頼リスト / trust list: <a href="/trust-list">/trust-list</a> — オフラインでも
<code>kofu verify FILE</code> で同じ確認ができます。</p></body></html>"""

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
}


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
    if verdict.payload is not None:
        for key, value in verdict.payload.as_fields().items():
            if key == "people":
                value = "<br>".join(f"{escape(p['name'])}（{escape(p['birth_date'])}）" for p in value)
            else:
                value = escape(str(value))
            rows.append(f"<tr><th>{escape(_LABELS.get(key, key))}</th><td>{value}</td></tr>")
    if verdict.ok and not verdict.text_checked:
        rows.append(
            "<tr><td colspan=2>画像からは署名のみ確認しました。上の項目が用紙の記載と一致するか確認してください。"
            " / From an image only the signature is checked: compare these fields with the paper.</td></tr>"
        )
    return f"<h2>結果 / Result</h2><table>{''.join(rows)}</table>"


def public_tls_context(paths: PkiPaths) -> ssl.SSLContext:
    """Server-only TLS 1.3 with the centre's certificate: anyone may connect, no client certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.verify_mode = ssl.CERT_NONE
    ctx.load_cert_chain(str(paths.tls_cert("center", "center")), str(paths.tls_key("center", "center")))
    return ctx


def create_public_app(publisher: TrustPublisher | None = None) -> FastAPI:
    """The public app, answering from ``publisher``'s trust list (None: for its OpenAPI only)."""
    app = FastAPI(title="kofu public verification", docs_url=None, redoc_url=None)

    def trusted() -> TrustPublisher:
        if publisher is None:
            raise LinkFailed("link.unavailable", "no trust list here")
        return publisher

    async def check(request: Request) -> Verdict:
        form = await request.form(max_files=1, max_fields=4)
        upload, code = form.get("file"), form.get("code")
        trust = await run_in_threadpool(trusted().trust_list)
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                return Verdict(Status.MALFORMED, "seal.file.unreadable", "file too large")
            return await run_in_threadpool(verify_file, data, trust)
        if isinstance(code, str) and code.strip():
            return verify_code(code.strip(), trust)
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
