"""The bench's kiosks: several processes, each driving its own kiosk identities and cards.

Each process runs one thread per kiosk it was given (each kiosk is one store's machine: card,
PIN, HPKE and the seal check are its own work), so past a few kiosks the bench is not limited
by one process's interpreter lock. Every process loads what it needs first (TLS identities,
cards, journals) and waits at a barrier; the run starts for all of them at once, and each
reports what it did and the CPU it spent from that moment on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.synchronize import Barrier

from kofu import clock
from kofu.card.store import CardStore
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.kiosk.center import CenterLink
from kofu.kiosk.headless import issue_once
from kofu.kiosk.journal import kiosk_journal
from kofu.kiosk.seals import KioskSeals
from kofu.pki.errors import PkiError
from kofu.pki.tls import client_context
from kofu.procstat import own_cpu

#: How long a process may take to load before the run gives up on it (a loaded machine is slow).
START_TIMEOUT = 180.0


@dataclass(frozen=True)
class Share:
    """What one bench process drives: kiosk ids, and each kiosk's own cards."""

    kiosk_ids: tuple[str, ...]
    cards: tuple[tuple[DemoCard, ...], ...]


@dataclass
class Tally:
    """What one bench process did: latencies of printed visits, failures by code, visits by city,
    and the CPU seconds it spent during the run (None and ``error`` when it could not start)."""

    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    visits_by_city: dict[str, int] = field(default_factory=dict)
    cpu: float = 0.0
    error: str | None = None
    #: Visits made before the run to load what a process loads once (fonts, renderers): printed
    #: ones are real orders at the centre, but no figure of the run counts them.
    warmups: int = 0


class _NullPrinter:
    """Bench printer: prints nowhere, keeps nothing."""

    def print_document(self, pdf: bytes, copies: int, title: str) -> None:
        pass


def shares(kiosk_ids: list[str], cards: list[DemoCard], processes: int) -> list[Share]:
    """Kiosk i gets cards i, i+K, i+2K… (K kiosks); kiosk i runs in process i mod P."""
    count = max(1, min(processes, len(kiosk_ids)))
    per_kiosk = [tuple(cards[i :: len(kiosk_ids)]) for i in range(len(kiosk_ids))]
    return [
        Share(tuple(kiosk_ids[p::count]), tuple(per_kiosk[p::count]))  # same stride: i ↔ its cards
        for p in range(count)
    ]


def drive(
    settings: Settings,
    work: list[Share],
    seconds: float,
    doc: str,
    started: Callable[[], None],
    start_at: datetime | None = None,
) -> tuple[list[Tally], float]:
    """Run every share in its own process for ``seconds``; ``started`` is called the moment they
    all begin: at ``start_at`` (on :mod:`kofu.clock`) if they are all ready by then, else when
    they are. Returns each process's tally and the run's wall-clock seconds."""
    ctx = multiprocessing.get_context("spawn")  # a clean interpreter each: no inherited locks
    barrier = ctx.Barrier(len(work) + 1)
    results: multiprocessing.Queue[Tally] = ctx.Queue()
    procs = [
        ctx.Process(target=_process, args=(settings, share, seconds, doc, barrier, results), daemon=True)
        for share in work
    ]
    for proc in procs:
        proc.start()
    tallies: list[Tally] = []
    try:
        if start_at is not None:  # the processes load and warm up meanwhile, then wait at the barrier
            time.sleep(max(0.0, (start_at - clock.now()).total_seconds()))
        try:
            barrier.wait(timeout=START_TIMEOUT)
        except threading.BrokenBarrierError:
            errors = _collect(results, len(work), 10.0)
            reasons = sorted({t.error for t in errors if t.error}) or ["a bench process did not start"]
            return [Tally(error="; ".join(reasons))], 0.0
        began = time.monotonic()
        started()
        tallies = _collect(results, len(work), seconds + 120.0)
        return tallies, time.monotonic() - began
    finally:
        for proc in procs:
            proc.join(timeout=10.0)
            if proc.is_alive():
                proc.kill()


def _collect(results: multiprocessing.Queue[Tally], count: int, timeout: float) -> list[Tally]:
    deadline = time.monotonic() + timeout
    found: list[Tally] = []
    while len(found) < count:
        try:
            found.append(results.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            found += [Tally(error="a bench process did not report")] * (count - len(found))
    return found


def _process(
    settings: Settings,
    share: Share,
    seconds: float,
    doc: str,
    barrier: Barrier,
    results: multiprocessing.Queue[Tally],
) -> None:
    """One bench process: load, wait for the others, drive its kiosks, report."""
    links: list[CenterLink] = []
    try:
        _preload()
        for kiosk_id in share.kiosk_ids:
            try:
                context = client_context(settings.pki, "kiosk", kiosk_id)
            except (PkiError, OSError) as exc:
                raise RuntimeError(f"no TLS identity for kiosk {kiosk_id}: {exc}") from exc
            links.append(CenterLink(settings.center_url, context, kiosk_id))
        store = CardStore(settings.cards_dir)
        journals = [kiosk_journal(settings.var_dir, k) for k in share.kiosk_ids]
        seals = [KioskSeals.for_center(link) for link in links]  # each kiosk keeps its trust list
    except Exception as exc:
        barrier.abort()
        results.put(Tally(error=str(exc)))
        return
    warmups = _warm_up(links[0], store, journals[0], seals[0], share.cards[0][0], doc)
    try:
        barrier.wait(timeout=START_TIMEOUT)
    except threading.BrokenBarrierError:
        results.put(Tally(error="another bench process did not start"))
        return
    try:
        tally = _run(links, store, journals, seals, share, seconds, doc)
        tally.warmups = warmups
        results.put(tally)
    finally:
        for link in links:
            with contextlib.suppress(Exception):
                link.close()


def _preload() -> None:
    """Import what a visit imports on first use (the seal check, the printed sheets), so that the
    first visits of a run do not pay for loading modules."""
    import importlib

    for name in (
        "kofu.sealcode.pdfcheck",
        "kofu.sealcode.qr",
        "kofu.sealcode.verify",
        "kofu.documents.text",
    ):
        importlib.import_module(name)


def _warm_up(link, store, journal, seals, card: DemoCard, doc: str) -> int:  # type: ignore[no-untyped-def]
    """One visit before the run (1 if it printed): the first visit of a process loads fonts and
    renderers, seconds of CPU that are not what a visit costs. A refusal here is not the run's."""
    try:
        issue_once(
            link,
            store,
            card.card,
            card.pin,
            doc,
            {"household": "self"},
            1,
            _NullPrinter(),
            journal=journal,
            seals=seals,
        )
    except Exception:  # the run counts its own failures, by code
        return 0
    return 1


def _run(links, store, journals, seals, share: Share, seconds: float, doc: str) -> Tally:  # type: ignore[no-untyped-def]
    tally = Tally()
    lock = threading.Lock()
    cpu_before = own_cpu()
    deadline = time.monotonic() + seconds

    def kiosk(index: int) -> None:
        mine = share.cards[index]
        n = 0
        while time.monotonic() < deadline:
            card = mine[n % len(mine)]
            n += 1
            with lock:
                tally.visits_by_city[card.city] = tally.visits_by_city.get(card.city, 0) + 1
            begun = time.perf_counter()
            try:
                issue_once(
                    links[index],
                    store,
                    card.card,
                    card.pin,
                    doc,
                    {"household": "self"},
                    1,
                    _NullPrinter(),
                    journal=journals[index],
                    seals=seals[index],
                )
            except Exception as exc:  # every failed visit counts, whatever raised
                code = getattr(exc, "code", None)
                code = code if isinstance(code, str) and code else f"unexpected.{type(exc).__name__}"
                with lock:
                    tally.failures[code] = tally.failures.get(code, 0) + 1
                continue
            elapsed = time.perf_counter() - begun
            with lock:
                tally.latencies.append(elapsed)

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(len(links))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tally.cpu = own_cpu() - cpu_before
    return tally
