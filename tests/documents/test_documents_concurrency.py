"""Documents rendered at the same time must never mix (Yokohama, Takamatsu, Tokushima)."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from threading import Barrier

from documents_samples import GIVEN, SETAINUSHI, household

from kofu.documents import JuminhyoData, extract_text, page_count, render_juminhyo

COUNT = 20


def _order(i: int) -> JuminhyoData:
    person = replace(SETAINUSHI, name=f"並行 {GIVEN[i]}美", kana=f"へいこう {i}", hittosha=None)
    return replace(household((person,)), setainushi=person.name, issue_number=f"{90000000 + i:08d}")


def test_twenty_concurrent_renders_each_name_only_their_person() -> None:
    orders = [_order(i) for i in range(COUNT)]
    start = Barrier(COUNT)

    def render(data: JuminhyoData) -> bytes:
        start.wait()  # all threads draw and subset fonts at once
        return render_juminhyo(data)

    with ThreadPoolExecutor(max_workers=COUNT) as pool:
        pdfs = list(pool.map(render, orders))

    names = [o.members[0].name for o in orders]
    for i, pdf in enumerate(pdfs):
        text = extract_text(pdf)
        assert page_count(pdf) == 1
        assert names[i] in text
        assert f"発行番号 第 {orders[i].issue_number} 号" in text
        assert [n for n in names if n in text] == [names[i]]
        assert pdf == render_juminhyo(orders[i])  # byte-identical to a render done alone


def test_all_document_types_rendered_at_once_match_their_solo_renders() -> None:
    from documents_cases import CASES

    from kofu.documents import render

    names = sorted(CASES) * 2
    solo = {name: render(*CASES[name]) for name in CASES}
    start = Barrier(len(names))

    def work(name: str) -> bytes:
        start.wait()  # every type, IPAmj subsets included, at the same moment
        return render(*CASES[name])

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        pdfs = list(pool.map(work, names))
    for name, pdf in zip(names, pdfs, strict=True):
        assert pdf == solo[name], name


def test_no_two_threads_are_in_pdfium_at_once() -> None:
    """PDFium is not thread-safe (a sealing issuer's worker threads crashed in it): a PDF opened
    in one thread holds the lock until it is closed; the same thread may open another inside."""
    from threading import Thread

    from kofu.sealcode.pdfium import PDFIUM_LOCK, open_pdf, texts_of

    pdf = render_juminhyo(_order(0))
    seen: list[bool] = []

    def other_thread_tries() -> None:
        got = PDFIUM_LOCK.acquire(blocking=False)
        if got:
            PDFIUM_LOCK.release()
        seen.append(got)

    with open_pdf(pdf) as document, open_pdf(pdf) as again:
        assert texts_of(document) == texts_of(again)
        other = Thread(target=other_thread_tries)
        other.start()
        other.join()
    other_thread_tries()  # closed: free again
    assert seen == [False, True]
