"""Every route of every app is an endpoint declared in ``kofu.protocol``, registered as declared.

A route added with a literal path, a body model that lives elsewhere, or a query parameter the
declaration does not have fails here, so both ends of a link always read the same contract.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel
from tests.kiosk.test_kiosk_app import FakeCenter, _client

from kofu.center.app import create_app as create_center
from kofu.city.gateway.app import create_app as create_gateway
from kofu.protocol import center_gateway, city_center, gateway_issuer, kiosk_center, kiosk_screen, public
from kofu.protocol.link import Endpoint, endpoints
from kofu.verifier.app import create_public_app

LINKS = (kiosk_center, center_gateway, gateway_issuer, city_center, public, kiosk_screen)
DECLARED: dict[tuple[str, str, str], Endpoint] = {}
for module in LINKS:
    for endpoint in endpoints(vars(module)):
        key = (module.SERVER, endpoint.method, endpoint.path)
        assert key not in DECLARED, f"{endpoint.path} declared twice for {module.SERVER}"
        DECLARED[key] = endpoint


@pytest.fixture
def kiosk(store: Any) -> Iterator[FastAPI]:
    with _client(store, FakeCenter()) as client:
        yield client.app  # type: ignore[misc]


def _apps(kiosk: FastAPI) -> dict[str, FastAPI]:
    return {
        "center": create_center(),
        "gateway": create_gateway("132292"),
        "public": create_public_app(),
        "kiosk": kiosk,
    }


def _body_model(route: APIRoute) -> type | None:
    body = route.body_field
    if body is None:
        return None
    annotation = body.field_info.annotation
    return annotation if inspect.isclass(annotation) else None


def _query_names(route: APIRoute) -> set[str]:
    names = set()
    for param in route.dependant.query_params:
        annotation = param.field_info.annotation
        if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
            names |= set(annotation.model_fields)  # a query parameter model: its fields
        else:
            names.add(param.alias)
    return names


def test_every_route_is_a_declared_endpoint(kiosk: FastAPI) -> None:
    problems = []
    seen: set[tuple[str, str, str]] = set()
    for actor, app in _apps(kiosk).items():
        for route in app.routes:
            if not isinstance(route, APIRoute):
                continue  # static files (the kiosk's page assets)
            for method in route.methods:
                key = (actor, method, route.path)
                endpoint = DECLARED.get(key)
                if endpoint is None:
                    problems.append(f"{actor}: {method} {route.path} is not declared in kofu.protocol")
                    continue
                seen.add(key)
                if route.name != endpoint.name:
                    problems.append(f"{actor}: {method} {route.path} not registered from its endpoint")
                if _body_model(route) is not endpoint.body:
                    problems.append(
                        f"{actor}: {method} {route.path} takes {_body_model(route)}, not {endpoint.body}"
                    )
                if route.response_model is not endpoint.answer:
                    problems.append(f"{actor}: {method} {route.path} answers {route.response_model}")
                expected = set(endpoint.query.model_fields) if endpoint.query else set()
                if _query_names(route) != expected:
                    problems.append(f"{actor}: {method} {route.path} reads query {_query_names(route)}")
    assert problems == []
    assert set(DECLARED) == seen, f"declared but served by no app: {set(DECLARED) - seen}"


def test_no_path_literal_outside_the_protocol() -> None:
    """Callers build URLs from the endpoints too: no `/v1/…` or `/api/…` literal in the actors."""
    root = Path(__file__).resolve().parents[2] / "src" / "kofu"
    found = []
    for path in root.rglob("*.py"):
        if "protocol" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("#") or stripped.startswith(('"""', "GET ", "POST ")):
                continue
            if any(marker in line for marker in ('"/v1/', "'/v1/", '"/api/', "'/api/", 'f"/v1/', 'f"/api/')):
                found.append(f"{path.relative_to(root)}:{n}: {stripped}")
    assert found == []
