"""What a console charts from the actors' Prometheus metrics: a scraper, a ring of samples, the math.

``Scraper`` reads each of its ``Target``\\ s' ``/metrics`` every ``interval`` seconds (over the
console's own TLS client, with a certificate the target's door lets in), parses the text with
``prometheus_client.parser`` and keeps the samples in a bounded ``Ring`` (by default one every
15 s for two hours) in this console process's memory. A target that cannot be read is kept as a
gap for that target (``None``), never an error: the page says the minute had no sample.

``minutes`` turns the ring into a chart's figures (``kofu.console.chart.Minutes``): the orders
of each minute are the increase of a counter between two samples (a counter that went down was
restarted: its new value is the increase), and p50/p99 are ``histogram_quantile`` over the
increase of each histogram bucket, as Prometheus computes them. ``attach`` starts the scraper
with the console app and stops it with the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import math
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from kofu import clock
from kofu.console import chart

#: One series: a sample's name (``…_total``, ``…_bucket``) and its labels, sorted.
Key = tuple[str, tuple[tuple[str, str], ...]]
Series = dict[Key, float]
INTERVAL = 15.0
KEEP = 480  # two hours of samples, one every 15 s
TIMEOUT = 5.0
#: Two samples further apart than this (the console was stopped, or the ring has holes) give no rate.
MAX_STEP = 5 * 60.0


def parse(text: str) -> Series:
    """Every sample of a ``/metrics`` page, by name and labels."""
    found: Series = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = float(sample.value)
    return found


@dataclass(frozen=True)
class Target:
    """One actor process to scrape: a name, its ``/metrics`` URL, and the TLS client to use
    (``None``: plain HTTP, for a loopback listener)."""

    name: str
    url: str
    tls: ssl.SSLContext | None = None


@dataclass(frozen=True)
class Sample:
    """One scrape: when (Unix seconds), and each target's series (``None``: it could not be read)."""

    at: float
    targets: dict[str, Series | None]

    @property
    def gap(self) -> bool:
        return all(series is None for series in self.targets.values())


class Ring:
    """The last ``keep`` samples, oldest first."""

    def __init__(self, keep: int = KEEP) -> None:
        self._samples: deque[Sample] = deque(maxlen=keep)

    def add(self, sample: Sample) -> None:
        self._samples.append(sample)

    def __len__(self) -> int:
        return len(self._samples)

    def __iter__(self) -> Iterator[Sample]:
        return iter(list(self._samples))


Targets = Callable[[], list[Target]]


@dataclass
class Scraper:
    """Scrapes ``targets()`` (asked again at every scrape: processes come and go) into ``ring``."""

    targets: Targets
    interval: float = INTERVAL
    ring: Ring = field(default_factory=Ring)
    timeout: float = TIMEOUT
    now: Callable[[], float] = time.time

    async def scrape(self) -> Sample:
        """Read every target once and keep the sample; a target that fails is a gap."""
        try:
            targets = self.targets()
        except Exception:  # no certificate, no targets file yet: a sample with nothing read
            targets = []
        found = await asyncio.gather(*(self._read(t) for t in targets))
        sample = Sample(self.now(), {t.name: series for t, series in zip(targets, found, strict=True)})
        self.ring.add(sample)
        return sample

    async def _read(self, target: Target) -> Series | None:
        try:
            async with httpx.AsyncClient(verify=target.tls or False, timeout=self.timeout) as client:
                response = await client.get(target.url)
                response.raise_for_status()
            return parse(response.text)
        except Exception:  # down, refused at the door, or unreadable: a gap, never an error page
            return None

    async def run(self) -> None:
        """Scrape now, then every ``interval`` seconds, until cancelled."""
        while True:
            started = time.monotonic()
            await self.scrape()
            await asyncio.sleep(max(0.0, self.interval - (time.monotonic() - started)))


def attach(app: FastAPI, scraper: Scraper) -> None:
    """Run ``scraper`` for as long as ``app`` runs (``app.state.scraper``)."""
    app.state.scraper = scraper
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(running: Any) -> AsyncIterator[Any]:
        async with inner(running) as state:
            task = asyncio.create_task(scraper.run(), name="console-metrics")
            try:
                yield state
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan


# -- the math --------------------------------------------------------------------------------------


def increase(before: float, after: float) -> float:
    """How much a counter grew between two samples (a counter that went down was restarted)."""
    return after - before if after >= before else after


def histogram_quantile(q: float, buckets: Iterable[tuple[float, float]]) -> float | None:
    """The ``q``-quantile (0…1) of a histogram given as cumulative ``(le, count)`` buckets, as
    Prometheus' ``histogram_quantile``: linear within the bucket the rank falls in (from 0 for the
    first bucket); in the ``+Inf`` bucket, the largest finite bound. None for no observations."""
    ordered = sorted(buckets)
    if not ordered or ordered[-1][0] != math.inf:
        return None
    total = ordered[-1][1]
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for upper, count in ordered:
        if count >= rank:
            if upper == math.inf:
                return lower if len(ordered) > 1 else None
            if count == below:
                return upper
            return lower + (upper - lower) * (rank - below) / (count - below)
        lower, below = upper, count
    return lower


Select = Callable[[str, dict[str, str]], str | None]
"""Which group a series counts for (``None``: none), from its labels."""


@dataclass
class Window:
    """A ring read over the minutes of a window: per group and minute, the counter's increase and
    the histogram's bucket increases; the minutes no sample fell in are gaps."""

    labels: list[str]
    counts: dict[str, list[float]]
    buckets: dict[str, list[dict[float, float]]]
    gaps: list[bool]

    def minutes(self, group: str, *, timed: bool = True) -> chart.Minutes:
        """One group's figures as a chart's (``timed``: with p50/p99 from its buckets)."""
        n = len(self.labels)
        counts = self.counts.get(group, [0.0] * n)
        buckets = self.buckets.get(group, [{} for _ in range(n)])
        view = chart.Minutes(
            labels=list(self.labels), counts=[round(c) for c in counts], gaps=list(self.gaps)
        )
        view.p50 = [_quantile(0.5, b) for b in buckets] if timed else [None] * n
        view.p99 = [_quantile(0.99, b) for b in buckets] if timed else [None] * n
        every: dict[float, float] = {}
        for minute in buckets:
            for le, count in minute.items():
                every[le] = every.get(le, 0.0) + count
        view.finished = round(every.get(math.inf, 0.0))
        if timed:
            view.total_p50, view.total_p99 = _quantile(0.5, every), _quantile(0.99, every)
        return view

    def total(self, group: str) -> float:
        return sum(self.counts.get(group, ()))


def _quantile(q: float, buckets: dict[float, float]) -> float | None:
    return histogram_quantile(q, buckets.items())


def window(
    ring: Iterable[Sample],
    *,
    counter: str,
    group: Select,
    histogram: str | None = None,
    span: dt.timedelta = dt.timedelta(minutes=15),
    now: dt.datetime | None = None,
) -> Window:
    """Read ``ring`` over the minutes of ``span`` up to ``now``: ``counter`` (a sample name such as
    ``kofu_orders_total``) and, if named, the ``histogram``'s ``…_bucket`` series, each series
    counted for ``group(name, labels)``. Each increase is put in the minute of the later sample."""
    end = (now or clock.now_utc()).astimezone(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(
        minutes=1
    )
    start = end - span
    n = int(span.total_seconds() // 60)
    labels = [f"{clock.in_japan(start + dt.timedelta(minutes=i)):%H:%M}" for i in range(n)]
    counts: dict[str, list[float]] = {}
    buckets: dict[str, list[dict[float, float]]] = {}
    sampled = [False] * n
    previous: dict[str, tuple[float, Series]] = {}
    bucket_name = f"{histogram}_bucket" if histogram else None
    for sample in sorted(ring, key=lambda s: s.at):
        index = int((sample.at - start.timestamp()) // 60)
        inside = 0 <= index < n
        for target, series in sample.targets.items():
            if series is None:
                continue
            if inside:
                sampled[index] = True
            before = previous.get(target)
            previous[target] = (sample.at, series)
            if not inside or before is None or sample.at - before[0] > MAX_STEP:
                continue
            for (name, pairs), value in series.items():
                if name != counter and name != bucket_name:
                    continue
                labelled = dict(pairs)
                key = group(name, labelled)
                if key is None:
                    continue
                grown = increase(before[1].get((name, pairs), 0.0), value)
                if name == counter:
                    counts.setdefault(key, [0.0] * n)[index] += grown
                else:
                    le = float(labelled.get("le", "+Inf"))
                    minute = buckets.setdefault(key, [{} for _ in range(n)])[index]
                    minute[le] = minute.get(le, 0.0) + grown
    return Window(labels, counts, buckets, [not s for s in sampled])
