"""A staff console's web frame: sign-in, roles, CSRF, audit, languages, errors as pages.

``create_console(...)`` builds the FastAPI app every console starts from; the console adds its
own pages with ``Console.page`` helpers:

- the door (``kofu.console.guard``): own Host, same-origin posts, small url-encoded forms;
- sign-in at ``/signin`` (argon2 passwords, lock-out, ``kofu.console.store``); the session is a
  signed cookie (``itsdangerous``) naming a server-side session: ``HttpOnly``,
  ``SameSite=Strict``, ``Secure`` when served over TLS; ``/signout`` ends it;
- every form carries the session's CSRF token (``csrf``), checked by ``Console.form`` before
  anything changes (the sign-in form: a double-submitted token from a cookie);
- ``/lang?to=en`` switches to English (a cookie), Japanese by default;
- ``/audit``: the audit trail (supervisors and auditors);
- every refusal is a page with a stable code and words in both languages, never a 500.

Every staff action, and every failed or refused sign-in, goes to the audit trail.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope, Send

from kofu.console import store
from kofu.console.guard import ConsoleGuard, Refusal, own_hosts
from kofu.console.store import Staff, StaffError
from kofu.console.words import word

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
#: Cookies are per host, not per port: each console's carry its scope, so that the centre's and a
#: city's console open in one browser keep their own sessions.
SESSION_COOKIE = "kofu_console_{scope}"
PRE_COOKIE = "kofu_console_pre_{scope}"
LANG_COOKIE = "kofu_console_lang"
MAX_FIELD = 512
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


class ConsoleError(Exception):
    """A refusal shown to staff as a page: a stable code (its words in ``words``) and a status."""

    def __init__(self, code: str, status: int = 400, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class NavItem:
    path: str
    key: str
    roles: tuple[str, ...] = ("clerk", "supervisor", "auditor")


@dataclass
class Console:
    """One console: its scope, database, templates and navigation."""

    scope: str
    title: tuple[str, str]
    db: sessionmaker[Session]
    templates: Jinja2Templates
    signer: URLSafeSerializer
    nav: list[NavItem] = field(default_factory=list)
    words: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def session_cookie(self) -> str:
        return SESSION_COOKIE.format(scope=self.scope)

    @property
    def pre_cookie(self) -> str:
        return PRE_COOKIE.format(scope=self.scope)

    # -- who is asking ---------------------------------------------------------------------------

    def lang(self, request: Request) -> str:
        return "en" if request.cookies.get(LANG_COOKIE) == "en" else "ja"

    def t(self, request: Request) -> Callable[[str], str]:
        lang = self.lang(request)

        def translate(key: str) -> str:
            pair = self.words.get(key)
            if pair is not None:
                return pair[1] if lang == "en" else pair[0]
            return word(key, lang)

        return translate

    async def staff(self, request: Request) -> Staff | None:
        raw = request.cookies.get(self.session_cookie)
        if not raw:
            return None
        try:
            session_id = self.signer.loads(raw)
        except BadSignature:
            return None
        if not isinstance(session_id, str):
            return None
        return await run_in_threadpool(store.session_for, self.db, session_id)

    async def require(self, request: Request, *roles: str) -> Staff:
        """The signed-in staff member, of one of ``roles`` (any role when none named)."""
        staff = await self.staff(request)
        if staff is None:
            raise ConsoleError("console.signin.required", 401)
        if roles and staff.role not in roles:
            await self.audit(
                request, staff, "refused", target=request.url.path, outcome="console.role.refused"
            )
            raise ConsoleError("console.role.refused", 403)
        return staff

    async def form(
        self, request: Request, staff: Staff, *, limits: dict[str, int] | None = None
    ) -> dict[str, str]:
        """The posted form, once its CSRF token is the session's; fields over their limit
        (``limits``, else ``MAX_FIELD`` characters) are refused."""
        try:
            pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as exc:
            raise ConsoleError("console.invalid", 400) from exc
        values: dict[str, str] = {}
        for name, value in pairs:
            values.setdefault(name, value)
        token = values.pop("csrf", "")
        if not token or not hmac.compare_digest(token.encode(), staff.csrf.encode()):
            await self.audit(request, staff, "refused", target=request.url.path, outcome="console.csrf")
            raise ConsoleError("console.csrf", 403)
        for name, value in values.items():
            if len(value) > (limits or {}).get(name, MAX_FIELD):
                raise ConsoleError("console.field.too_long", 400, name)
        return values

    async def audit(
        self,
        request: Request,
        staff: Staff | str,
        action: str,
        *,
        target: str = "",
        detail: str = "",
        outcome: str = "ok",
    ) -> None:
        who = staff if isinstance(staff, str) else staff.username
        remote = request.client.host if request.client else ""
        await run_in_threadpool(
            store.audit, self.db, who, action, target=target, detail=detail, remote=remote, outcome=outcome
        )

    # -- answers -------------------------------------------------------------------------------

    def render(
        self, request: Request, template: str, staff: Staff | None, status: int = 200, **context: Any
    ) -> HTMLResponse:
        lang = self.lang(request)
        nav = [item for item in self.nav if staff is not None and staff.role in item.roles]
        response = self.templates.TemplateResponse(
            request,
            template,
            {
                "t": self.t(request),
                "lang": lang,
                "staff": staff,
                "nav": nav,
                "title": self.title[1] if lang == "en" else self.title[0],
                "here": request.url.path,
                **context,
            },
            status_code=status,
        )
        response.headers.update(SECURITY_HEADERS)
        return response


def create_console(
    *,
    scope: str,
    title: tuple[str, str],
    db: sessionmaker[Session],
    key: bytes,
    host: str,
    port: int,
    templates: Iterable[Path] = (),
    nav: list[NavItem] | None = None,
    words: dict[str, tuple[str, str]] | None = None,
) -> tuple[FastAPI, Console]:
    """The app and its ``Console``; the console's own pages are added to the app afterwards."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(p)) for p in [*templates, HERE / "templates"]]),
        autoescape=select_autoescape(["html"]),
    )
    console = Console(
        scope=scope,
        title=title,
        db=db,
        templates=Jinja2Templates(env=env),
        signer=URLSafeSerializer(key, salt=f"kofu-console-session:{scope}"),
        nav=[*(nav or []), NavItem("/audit", "nav.audit", ("supervisor", "auditor"))],
        words=words or {},
    )
    app = FastAPI(title=f"kofu console {scope}", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = console
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    async def refuse(scope_: Scope, send: Send, refusal: Refusal) -> None:
        request = Request(scope_)
        response = console.render(request, "error.html", None, refusal.status, code=refusal.code)
        await response(scope_, _no_receive, send)

    app.add_middleware(ConsoleGuard, hosts=own_hosts(host, port), refuse=refuse)

    @app.exception_handler(ConsoleError)
    async def _console_error(request: Request, exc: ConsoleError) -> Response:
        if exc.code == "console.signin.required":
            return RedirectResponse("/signin", status_code=303, headers=SECURITY_HEADERS)
        staff = await console.staff(request)
        return console.render(request, "error.html", staff, exc.status, code=exc.code, detail=exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = "console.not_found" if exc.status_code in (404, 405) else "console.invalid"
        staff = await console.staff(request)
        return console.render(request, "error.html", staff, exc.status_code, code=code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("console %s: %s on %s", scope, type(exc).__name__, request.url.path)
        return console.render(request, "error.html", None, 500, code="console.error")

    @app.get("/signin", response_class=HTMLResponse)
    async def signin_page(request: Request) -> Response:
        return _signin_page(console, request)

    @app.post("/signin", response_class=HTMLResponse)
    async def signin(request: Request) -> Response:
        pairs = dict(parse_qsl((await request.body()).decode(errors="replace"), keep_blank_values=True))
        pre = request.cookies.get(console.pre_cookie, "")
        given = pairs.get("csrf", "")
        if not pre or not given or not hmac.compare_digest(pre.encode(), given.encode()):
            return _signin_page(console, request, "console.csrf", 403)
        username = pairs.get("username", "").strip()[:64]
        password = pairs.get("password", "")
        if len(password) > store.MAX_PASSWORD:
            return _signin_page(console, request, "console.field.too_long", 400)
        try:
            staff = await run_in_threadpool(store.sign_in, console.db, username, password)
        except StaffError as exc:
            await console.audit(request, username or "?", "signin", outcome=exc.code)
            return _signin_page(console, request, exc.code, 401)
        await console.audit(request, staff, "signin")
        response = RedirectResponse("/", status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(
            console.session_cookie,
            console.signer.dumps(staff.session_id),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        response.delete_cookie(console.pre_cookie, path="/signin")
        return response

    @app.post("/signout")
    async def signout(request: Request) -> Response:
        staff = await console.require(request)
        await console.form(request, staff)
        await run_in_threadpool(store.close_session, console.db, staff.session_id)
        await console.audit(request, staff, "signout")
        response = RedirectResponse("/signin", status_code=303, headers=SECURITY_HEADERS)
        response.delete_cookie(console.session_cookie, path="/")
        return response

    @app.get("/lang")
    async def switch_language(request: Request, to: str = "ja", back: str = "/") -> Response:
        target = back if back.startswith("/") and not back.startswith("//") and "\\" not in back else "/"
        response = RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(
            LANG_COOKIE, "en" if to == "en" else "ja", samesite="strict", path="/", max_age=365 * 86400
        )
        return response

    @app.get("/audit", response_class=HTMLResponse)
    async def audit_page(request: Request) -> Response:
        staff = await console.require(request, "supervisor", "auditor")
        rows = await run_in_threadpool(store.audit_trail, console.db)
        return console.render(request, "audit.html", staff, rows=rows)

    return app, console


def _signin_page(console: Console, request: Request, code: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = console.render(request, "signin.html", None, status, code=code, csrf=token)
    response.set_cookie(
        console.pre_cookie,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/signin",
    )
    return response


async def _no_receive() -> Any:
    return {"type": "http.disconnect"}
