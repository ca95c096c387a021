"""The public link: anyone ⇄ the public verifier (server-only TLS, no client certificate).

    GET  /trust-list   the centre's signed trust list (JSON, see ``kofu.pki.trust``)
    GET  /             the verification page
    POST /verify       multipart ``file`` (a PDF, scan or photo) or form field ``code`` → a page
    POST /v1/verify    the same → a JSON verdict

Anything uploaded is checked in memory and forgotten; nothing of it is logged or stored.
"""

from __future__ import annotations

from kofu.protocol.link import Endpoint

#: The actor that serves this link.
SERVER = "public"

TRUST_LIST = Endpoint("trust_list", "GET", "/trust-list", media_type="application/json")
PAGE = Endpoint("verify_page", "GET", "/", media_type="text/html")
VERIFY_FORM = Endpoint("verify_form", "POST", "/verify", media_type="text/html", errors=(413, 415, 429))
VERIFY = Endpoint("verify", "POST", "/v1/verify", media_type="application/json", errors=(413, 415, 429))
