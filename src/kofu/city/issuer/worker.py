"""The issuer's pull loop: it opens no port; it asks its gateway for work over mTLS.

Several worker threads each long-poll the gateway, handle what they get one request at a time
and post the answer back. Every request is handled start to finish by one thread with its own
variables and database session (invariant 8); a crash in one request becomes an error answer
for that request only.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time

import httpx

from kofu.city.issuer.service import IssuerService
from kofu.net.client import sync_client
from kofu.protocol.center_gateway import CityRequest, CityResponse, OrderCall
from kofu.protocol.errors import Problem
from kofu.protocol.gateway_issuer import PULL, RESULTS, CityPull, PullQuery
from kofu.telemetry import metrics
from kofu.telemetry.relay import handling, seen

log = logging.getLogger("kofu.issuer")

PULL_WAIT = 20.0


class PullWorker:
    """One pulling thread of one city's issuer."""

    def __init__(
        self, service: IssuerService, gateway_url: str, context: ssl.SSLContext, stop: threading.Event
    ):
        self.service = service
        self.stop = stop
        self.client = sync_client(gateway_url, context, timeout=PULL_WAIT + 10)

    def run(self) -> None:
        backoff = 0.2
        while not self.stop.is_set():
            try:
                query = PullQuery(wait=PULL_WAIT, limit=1)  # one at a time: the siblings take the rest
                response = self.client.get(PULL.url(), params=PULL.params(query))
                response.raise_for_status()
                pulled = CityPull.model_validate_json(response.content)
                backoff = 0.2
            except (httpx.HTTPError, ValueError) as exc:
                log.warning("pull failed (%s); retrying", type(exc).__name__)
                self.stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            for request in pulled.requests:
                with handling(request, pulled.traces.get(request.request_id)):  # the order's trace
                    self._answer(request)
        self.client.close()

    def _answer(self, request: CityRequest) -> None:
        started = time.perf_counter()
        try:
            answer = self.service.handle(request)
        except Exception as exc:  # a bug in one request must not take the worker down
            log.exception("request %s failed", request.request_id)
            problem = Problem(code="document.render_failed", detail=type(exc).__name__, kind="error")
            answer = CityResponse(request_id=request.request_id, error=problem)
        seen(request, answer)
        if isinstance(request, OrderCall):
            metrics.order_timed(self.service.city_code, time.perf_counter() - started)
        try:
            reply = self.client.post(RESULTS.url(), content=answer.model_dump_json())
            if reply.status_code == 410:
                log.info("request %s was no longer awaited; answer dropped", request.request_id)
        except httpx.HTTPError as exc:
            log.warning("could not deliver answer for %s (%s)", request.request_id, type(exc).__name__)
        log.debug(
            "%s %s in %.1f ms", request.kind, request.request_id, (time.perf_counter() - started) * 1000
        )


def run_workers(service: IssuerService, gateway_urls: list[str], context: ssl.SSLContext, count: int) -> None:
    """Run `count` pulling threads per gateway until interrupted (each gateway's requests are
    taken by whichever issuer process pulls them first)."""
    stop = threading.Event()
    metrics.WORKERS.labels("total").set(count * len(gateway_urls))
    threads = [
        threading.Thread(
            target=PullWorker(service, url, context, stop).run, name=f"pull-{g}-{i}", daemon=True
        )
        for g, url in enumerate(gateway_urls)
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    try:
        while any(t.is_alive() for t in threads):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
