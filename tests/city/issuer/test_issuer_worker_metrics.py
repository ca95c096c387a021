"""An issuer's pulling worker times each order it answers for ``/metrics``
(``kofu_order_seconds{city}``, what the city console charts), and nothing else it answers.

The service is a stand-in that refuses every request (a unit-test stand-in: the worker's own
code is what is tested); no gateway listens, so posting the answer fails as a lost link does."""

from __future__ import annotations

import socket
import ssl
import threading
from typing import Any

from prometheus_client import REGISTRY

from kofu.city.issuer.worker import PullWorker
from kofu.protocol.center_gateway import CityRequest, CityResponse, MenuCall, OrderCall
from kofu.protocol.errors import Problem
from kofu.protocol.kiosk_center import OrderRequest

CITY = "132292"


class Refusing:
    city_code = CITY

    def handle(self, request: CityRequest) -> CityResponse:
        problem = Problem(code="city.resident.moved_out", kind="refused")
        return CityResponse(request_id=request.request_id, error=problem)


def _nobody() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"https://127.0.0.1:{s.getsockname()[1]}"


def _timed() -> float:
    return REGISTRY.get_sample_value("kofu_order_seconds_count", {"city": CITY}) or 0.0


def test_each_order_answered_is_timed_and_a_menu_is_not() -> None:
    service: Any = Refusing()
    worker = PullWorker(service, _nobody(), ssl.create_default_context(), threading.Event())
    order = OrderRequest(
        city_code=CITY, doc="juminhyo", copies=1, kiosk_public_key=b"p" * 32, idempotency_key="idem-0001"
    )
    before = _timed()
    try:
        worker._answer(
            OrderCall(
                request_id="o1",
                city_code=CITY,
                card_serial="0A1B2C3D",
                kiosk_id="K0001",
                order_id=f"{1:032x}",
                order=order,
            )
        )
        assert _timed() == before + 1
        worker._answer(MenuCall(request_id="m1", city_code=CITY, card_serial="0A1B2C3D", kiosk_id="K0001"))
        assert _timed() == before + 1
    finally:
        worker.client.close()
