"""Documents issued at each instant: the date printed (和暦), the issue number's year, the 課税
years offered and named, and the seal made with a key made that same instant."""

from __future__ import annotations

from kofu.documents.text import extract_text
from kofu.protocol.envelope import DocumentHeader, open_document
from kofu.sealcode.verify import verify_file
from tests.dates.conftest import World
from tests.dates.instants import Instant
from tests.dates.test_dates_rules import menu_offer, order


def _issue(world: World, serial: str, doc: str, **options: str) -> tuple[DocumentHeader, bytes]:
    result, key = order(world, serial, doc, **options)
    assert result.status == "issued" and result.envelope is not None, result.error
    opened = open_document(result.envelope, key, result.order_id)
    return opened.header, opened.pdf


def test_a_juminhyo_issued_now_is_dated_today_in_japan_and_its_seal_verifies(
    world: World, at: Instant
) -> None:
    header, pdf = _issue(world, world.serial(world.holder("reader")), "juminhyo", household="self")
    text = extract_text(pdf)
    assert at.printed in text  # 平成31年4月30日, 令和元年5月1日, 8 Dec at 23:30 UTC …
    assert header.issue_number.startswith(f"{at.day.year}-")
    verdict = verify_file(pdf, world.trust())  # the seal key was made this same instant
    assert verdict.ok, verdict
    assert verdict.payload is not None and verdict.payload.issue_date == at.day


def test_the_kazei_years_offered_turn_in_june_and_print_their_era(world: World, at: Instant) -> None:
    holder = world.holder("taxpayer")
    offer = menu_offer(world, world.serial(holder), "kazei")
    assert offer.refusal is None
    (years,) = [spec for spec in offer.options if spec.name == "fiscal_year"]
    assert sorted(map(int, years.choices)) == [at.newest_kazei - 1, at.newest_kazei]
    _header, pdf = _issue(world, world.serial(holder), "kazei", fiscal_year=str(at.newest_kazei))
    text = "".join(extract_text(pdf).split())
    assert f"{at.newest_kazei_printed}（" in text  # 年度: 令和8年度（令和7年1月1日から…の所得）
    assert f"住所（{at.levy_printed}現在）" in text  # 賦課期日 of that 年度
    assert at.income_printed.removesuffix("分") + "1月1日から" in text  # the year of income: 令和7年…
    assert "".join(at.printed.split()) in text
