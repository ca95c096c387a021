"""The staff consoles in Debian's chromium against the running chain: the city's and the centre's.

Sign-in and lock-out, roles (a clerk cannot change settings), the CSRF token of every form,
a settings change on the kiosk's next menu, a 利用登録 approved on the console routing the card,
a stop on the console refusing the next order with ``city.stopped``, bad input answered with a
clear message and no change (never a 500), and the pages' accessibility. Tests that change
shared state (settings, a city's stop) put it back; the rest use their own residents and
accounts. Run by hand (without ``CI``), ``test_screens_are_accessible_and_saved`` checks every
main screen and saves the README's screenshots (docs/consoles/*.png); under CI, three.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kofu import clock
from kofu.city.issuer import staff
from kofu.city.registry.queries import apply_registration
from kofu.config import Settings
from kofu.console import store
from kofu.console.ports import console_url
from kofu.protocol.errors import KofuError
from kofu.storage import make_engine, session_factory
from tests.browser.a11y import low_contrast, unnamed_controls
from tests.browser.conftest import expect, screen_is, to_documents
from tests.consoles import password, sign_in
from tests.e2e.helpers import registry
from tests.e2e.rules_helpers import issue
from tests.residents import own_resident

CITY, OTHER = "132292", "132110"
DOCS_DIR = Path(__file__).resolve().parents[2] / "docs" / "consoles"


@pytest.fixture
def staff_page(browser: Any, chain: Any) -> Iterator[Any]:
    """A fresh browser context for a member of staff (the kiosk's page keeps none of its cookies)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def problem(page: Any) -> str:
    return page.locator(".problem .code").inner_text()


def post(page: Any, base: str, path: str, form: dict[str, str]) -> Any:
    """A form post as the page would send it (its cookies, its Origin), without a browser form."""
    return page.request.post(base + path, form=form, headers={"Origin": base}, max_redirects=0)


def csrf(page: Any) -> str:
    return str(page.locator('input[name="csrf"]').first.get_attribute("value"))


def test_sign_in_lock_out_and_audit(staff_page: Any, chain_settings: Settings) -> None:
    name = f"t{secrets.token_hex(4)}"
    engine, db = store.open_db(chain_settings, CITY)
    try:
        store.add_account(db, name, "clerk", "a long enough secret")
    finally:
        engine.dispose()
    page = staff_page
    base = sign_in(page, chain_settings, CITY, name, "not the secret")
    expect(page.locator(".problem .code")).to_have_text("staff.signin.failed")
    assert "ユーザー名またはパスワードが違います" in page.locator(".problem").inner_text()
    for _ in range(store.MAX_FAILURES - 1):
        sign_in(page, chain_settings, CITY, name, "still not it")
    expect(page.locator(".problem .code")).to_have_text("staff.signin.locked")
    sign_in(page, chain_settings, CITY, name, "a long enough secret")  # right, but locked
    expect(page.locator(".problem .code")).to_have_text("staff.signin.locked")
    assert page.context.cookies(base) == [
        c for c in page.context.cookies(base) if c["name"] != "kofu_console"
    ]

    # A clerk signs in: the session cookie is HttpOnly and SameSite=Strict; Today shows.
    sign_in(page, chain_settings, CITY, "clerk")
    expect(page.locator("h1")).to_contain_text("本日の状況")
    (cookie,) = [c for c in page.context.cookies(base) if c["name"] == f"kofu_console_{CITY}"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.get_by_role("link", name="操作記録").count() == 0  # the audit trail is not a clerk's
    page.goto(base + "/audit")
    expect(page.locator(".problem .code")).to_have_text("console.role.refused")
    page.get_by_role("button", name="サインアウト").click()
    expect(page.locator("h1")).to_have_text("サインイン")

    # The auditor reads who tried what, from where.
    sign_in(page, chain_settings, CITY, "auditor")
    page.goto(base + "/audit")
    rows = page.locator("tbody tr").filter(has_text=name)
    expect(rows.filter(has_text="staff.signin.locked")).not_to_have_count(0)
    expect(rows.filter(has_text="staff.signin.failed")).to_have_count(store.MAX_FAILURES - 1)
    assert "127.0.0.1" in rows.first.inner_text()
    # English on the switch
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_contain_text("Audit trail")
    page.get_by_role("link", name="日本語").click()


def test_a_clerk_cannot_change_settings(staff_page: Any, chain_settings: Settings) -> None:
    page = staff_page
    base = sign_in(page, chain_settings, CITY, "clerk")
    page.goto(base + "/settings")
    expect(page.locator("#copy_limit")).to_be_disabled()
    expect(page.locator("#juminhyo-fee")).to_be_disabled()
    assert page.get_by_role("button", name="保存する").count() == 0
    before = staff.show_settings(chain_settings, CITY)
    answer = post(page, base, "/settings", {"csrf": csrf(page), "copy_limit": "1", **_doc_fields(before)})
    assert answer.status == 403 and "console.role.refused" in answer.text()
    assert staff.show_settings(chain_settings, CITY) == before


def _doc_fields(values: dict[str, Any], **changes: str) -> dict[str, str]:
    form = {"copy_limit": str(values["copy_limit"]), "kazei_years": ",".join(map(str, values["kazei_years"]))}
    for doc, d in values["documents"].items():
        form[f"{doc}.fee"] = str(d["fee"])
        form[f"{doc}.hours"] = d["hours"]
        for key, on in (
            ("offered", d["offered"]),
            ("weekdays_only", d["weekdays_only"]),
            ("year_end_closed", d["year_end_closed"]),
        ):
            if on:
                form[f"{doc}.{key}"] = "on"
    form.update(changes)
    return form


def test_every_form_refuses_a_missing_csrf_token(staff_page: Any, chain_settings: Settings) -> None:
    person, _ = own_resident(chain_settings, city=CITY)
    page = staff_page
    results: dict[str, int] = {}
    settings_before = staff.show_settings(chain_settings, CITY)
    for scope, paths in (
        (
            CITY,
            [
                "/",
                "/settings",
                "/registrations",
                "/counter",
                f"/counter/residents/{CITY}-{person.resident_id}",
                "/city",
            ],
        ),
        ("center", ["/"]),
    ):
        base = sign_in(page, chain_settings, scope, "supervisor")
        for path in paths:
            page.goto(base + path)
            forms = page.evaluate(
                """() => [...document.querySelectorAll('form[method="post"]')].map((f) => ({
                    action: f.getAttribute('action'),
                    fields: Object.fromEntries([...new FormData(f)].filter(([k]) => k !== 'csrf')
                        .map(([k, v]) => [k, k === 'reason' ? 'csrf test' : v])) }))"""
            )
            for form in forms:
                answer = post(page, base, form["action"], form["fields"])
                results[f"{scope}{form['action']}"] = answer.status
                assert answer.status == 403 and "console.csrf" in answer.text(), (scope, form["action"])
    wanted = {
        "/signout",
        "/settings",
        "/counter/expire",
        "/city/stop",
        "/cities/132292/stop",
        "/cities/132110/stop",
    }
    wanted |= {f"/counter/residents/{CITY}-{person.resident_id}/{a}" for a in ("issue", "move")}
    assert {action.removeprefix(CITY).removeprefix("center") for action in results} >= wanted, results
    assert staff.show_settings(chain_settings, CITY) == settings_before
    assert [c for c in _cities(page, chain_settings) if "停止中" in c] == []
    # and the sign-in form itself
    base = console_url(chain_settings, CITY)
    page.context.clear_cookies()
    answer = post(
        page, base, "/signin", {"username": "clerk", "password": password(chain_settings, CITY, "clerk")}
    )
    assert answer.status == 403 and "console.csrf" in answer.text()


def _cities(page: Any, settings: Settings) -> list[str]:
    base = sign_in(page, settings, "center", "auditor")
    page.goto(base + "/")
    return page.locator("#cities tbody tr").all_inner_texts()


def test_a_settings_change_shows_on_the_kiosks_next_menu(
    staff_page: Any, page: Any, chain_settings: Settings, order_card: Any
) -> None:
    city = order_card.city
    before = staff.show_settings(chain_settings, city)
    fee = before["documents"]["juminhyo"]["fee"] + 70
    console = staff_page
    try:
        sign_in(console, chain_settings, city, "supervisor")
        console.get_by_role("link", name="設定").click()
        console.locator("#juminhyo-fee").fill(str(fee))
        console.get_by_role("button", name="保存する").click()
        expect(console.locator(".notice")).to_contain_text("次の注文から")
        expect(console.locator('#menu-preview [data-doc="juminhyo"]')).to_contain_text(f"¥{fee}")
        to_documents(page, order_card)
        screen_is(page, "document", timeout=60_000)
        expect(page.locator('[data-doc="juminhyo"]')).to_contain_text(f"{fee}")
        page.locator("#cancel").click()
    finally:
        staff.set_settings(chain_settings, city, doc="juminhyo", fee=before["documents"]["juminhyo"]["fee"])
    assert staff.show_settings(chain_settings, city) == before


def test_approving_a_registration_on_the_console_routes_the_card(
    staff_page: Any, chain_settings: Settings, own: Any
) -> None:
    owned = own(traits=("adult", "honseki-elsewhere"))
    card, person = owned.card, owned.person
    target = person.honseki_city_code
    with pytest.raises(KofuError) as before:
        issue(chain_settings, card, "fuhyo", city=target)
    assert before.value.code == "city.document.not_offered"
    registration = _apply(chain_settings, card, person)
    page = staff_page
    sign_in(page, chain_settings, target, "clerk")
    page.get_by_role("link", name="利用登録").click()
    section = page.locator(f"#registration-{registration}")
    expect(section).to_contain_text(person.honseki)
    expect(section.locator("tr.diff")).to_contain_text(str(person.birth_date))  # the matching member
    section.get_by_role("button", name=f"承認する #{registration}").click()
    expect(page.locator(".notice")).to_contain_text("承認し")
    expect(page.locator(f"#registration-{registration}")).to_have_count(0)
    _issued, pdf = issue(chain_settings, card, "fuhyo", city=target)
    assert pdf.startswith(b"%PDF")


def _apply(settings: Settings, card: Any, person: Any) -> int:
    from tests.residents import _card_serial

    engine = make_engine(settings.city_db_url(person.honseki_city_code))
    try:
        with session_factory(engine).begin() as session:
            return apply_registration(
                session,
                cert_serial_hex=_card_serial(settings, card),
                residence_city_code=person.city_code,
                honseki=person.honseki,
                hittosha=person.hittosha,
                on=clock.today(),
                applicant_name=person.name,
                applicant_birth_date=person.birth_date,
            ).id
    finally:
        engine.dispose()


def test_stopping_the_city_refuses_the_next_order(
    staff_page: Any, chain_settings: Settings, own: Any
) -> None:
    card = own(city=OTHER).card
    page = staff_page
    base = sign_in(page, chain_settings, OTHER, "supervisor")
    try:
        page.get_by_role("link", name="停止・再開").click()
        page.get_by_label("理由").fill("点検のため（テスト）")
        page.get_by_role("button", name="この市区町村の交付を停止する").click()
        expect(page.locator(".notice")).to_contain_text("停止しました")
        expect(page.locator("#city-state")).to_have_text("停止中")
        with pytest.raises(KofuError) as refused:
            issue(chain_settings, card, "juminhyo")
        assert refused.value.code == "city.stopped"
        center = [row for row in _cities(page, chain_settings) if OTHER in row]
        assert "停止中" in center[0] and "city:132110:supervisor" in center[0] and "点検のため" in center[0]
        sign_in(page, chain_settings, OTHER, "supervisor")
    finally:
        page.goto(base + "/city")
        if page.get_by_role("button", name="交付を再開する").count():
            page.get_by_label("理由").fill("点検終了")
            page.get_by_role("button", name="交付を再開する").click()
            expect(page.locator("#city-state")).to_have_text("稼働中")
    _issued, pdf = issue(chain_settings, card, "juminhyo")
    assert pdf.startswith(b"%PDF")
    page.goto(base + "/")  # Today counts the order printed since, and the menu refused while stopped
    expect(page.locator("#orders-by-doc")).to_contain_text("juminhyo")
    expect(page.locator("#refusals")).to_contain_text("city.stopped")
    expect(page.locator("#today-chart")).to_have_attribute("role", "img")


def test_bad_input_gets_a_clear_message_and_changes_nothing(
    staff_page: Any, chain_settings: Settings
) -> None:
    page = staff_page
    other = next(r for r in registry(chain_settings, OTHER) if r.status == "active")
    before = staff.show_settings(chain_settings, CITY)
    base = sign_in(page, chain_settings, CITY, "supervisor")
    page.goto(base + "/settings")
    token = csrf(page)
    cases = {
        f"/counter/residents/{OTHER}-{other.id}": (None, "console.resident.other_city"),
        f"/counter/residents/{CITY}-999999999": (None, "console.resident.unknown"),
        "/counter/residents/nonsense": (None, "console.resident.unknown"),
        "/counter?born=1980-13-45": (None, "console.date.invalid"),
        "/counter?q=" + "あ" * 100: (None, "console.field.too_long"),
        "/registrations/999999/approve": ({"csrf": token}, "city.registry.unknown_registration"),
        "/registrations/abc/approve": ({"csrf": token}, "console.not_found"),
        "/registrations/1/reject": ({"csrf": token, "reason": ""}, "console.reason.missing"),
        "/settings": ({"csrf": token, **_doc_fields(before, copy_limit="many")}, "console.number.invalid"),
        "/settings#hours": (
            {"csrf": token, **_doc_fields(before, **{"koseki.hours": "25:00-09:00"})},
            "console.invalid",
        ),
        "/city/stop": ({"csrf": token, "reason": "x" * 300}, "console.field.too_long"),
        f"/counter/residents/{OTHER}-{other.id}/issue": ({"csrf": token}, "console.resident.other_city"),
        "/no/such/page": (None, "console.not_found"),
    }
    for path, (form, code) in cases.items():
        answer = page.request.get(base + path) if form is None else post(page, base, path.split("#")[0], form)
        assert 400 <= answer.status < 500, (path, answer.status)
        assert code in answer.text(), (path, code)
        assert "操作できませんでした" in answer.text()
    huge = post(page, base, "/settings", {"csrf": token, "pad": "x" * 20_000})
    assert huge.status == 413 and "console.form.too_large" in huge.text()
    foreign = page.request.post(
        base + "/city/stop", form={"csrf": token, "reason": "x"}, headers={"Origin": "http://evil.example"}
    )
    assert foreign.status == 403 and "console.origin.refused" in foreign.text()
    assert staff.show_settings(chain_settings, CITY) == before
    center = sign_in(page, chain_settings, "center", "supervisor")
    answer = post(page, center, "/cities/999999/stop", {"csrf": csrf(page), "reason": "no such city"})
    assert answer.status == 404 and "city.unknown" in answer.text()


def test_screens_are_accessible_and_saved(staff_page: Any, chain_settings: Settings, own: Any) -> None:
    """Names, contrast (WCAG AA) and a focus order that follows the page, on every main screen;
    the screenshots of the README (of the city the other tests ordered in, with an application
    of the test's own waiting)."""
    page = staff_page
    if not os.environ.get("CI"):
        owned = own(city=CITY, traits=("adult", "honseki-elsewhere"))
        _apply(chain_settings, owned.card, owned.person)
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    page.goto(console_url(chain_settings, CITY) + "/signin")
    _check(page, "signin")
    screens = [
        (OTHER, "/", "city-today"),
        (OTHER, "/settings", "city-settings"),
        (OTHER, "/registrations", "city-registrations"),
        (OTHER, "/counter?q=" + registry(chain_settings, OTHER)[0].family_name, "city-counter"),
        (OTHER, "/city", "city-stop"),
        ("center", "/", "center-cities"),
        ("center", "/kiosks", "center-kiosks"),
        ("center", "/traffic", "center-traffic"),
        ("center", "/pki", "center-pki"),
    ]
    if os.environ.get("CI"):  # under CI: the main screen of each console; by hand: all, with screenshots
        screens = [s for s in screens if s[2] in ("city-today", "city-settings", "center-cities")]
    signed: set[str] = set()
    for scope, path, name in screens:
        if scope not in signed:
            sign_in(page, chain_settings, scope, "supervisor")
            signed.add(scope)
        page.goto(console_url(chain_settings, scope) + path)
        _check(page, name)
        if name != "city-counter" and not os.environ.get(
            "CI"
        ):  # the counter shows residents: not in the docs
            page.screenshot(path=str(DOCS_DIR / f"{name}.png"), full_page=True, animations="disabled")


FOCUS = """() => { const a = document.activeElement; if (!a || a === document.body) return null;
  const r = a.getBoundingClientRect();
  return { tag: a.tagName, text: (a.textContent || a.name || '').trim().slice(0, 20),
           middle: r.top + r.height / 2 + window.scrollY, left: r.left + window.scrollX }; }"""


def _check(page: Any, name: str) -> None:
    assert unnamed_controls(page) == [], name
    assert low_contrast(page) == [], name
    page.locator("a.skip").focus()  # the first stop of the page (the sign-in page starts in its form)
    visited = [page.evaluate(FOCUS)]
    for _ in range(60):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None or focus == visited[0]:
            break
        visited.append(focus)
    assert len(visited) > 2, name
    # Focus never goes back up the page: header, navigation, then the page from top to bottom.
    rows = [round(f["middle"] / 8) for f in visited]  # one visual row: middles within a few pixels
    assert rows == sorted(rows), (name, visited)
