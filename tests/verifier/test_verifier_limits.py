"""The public verifier is a door anyone can knock on: every bomb is refused before it costs anything.

In-process (ASGI); the verifier's own process and port are exercised through the chain.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "documents"))

from seal_support import SealPki

from kofu.verifier import limits
from kofu.verifier.app import create_public_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    pki = SealPki.create(tmp_path_factory.mktemp("pki"))
    return TestClient(create_public_app(pki.publisher))


def _pdf(pages: int, size: tuple[float, float]) -> bytes:
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=size)
    for _ in range(pages):
        drawing.drawString(10, 10, "x")
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height), 1).save(out, "PNG", optimize=True)
    return out.getvalue()


def _refused_fast(client: TestClient, data: bytes, name: str) -> dict[str, object]:
    started = time.monotonic()
    answer = client.post("/v1/verify", files={"file": (name, data)})
    elapsed = time.monotonic() - started
    assert answer.status_code == 413, answer.text
    assert elapsed < 1.0, f"refused after {elapsed:.2f} s"
    body: dict[str, object] = answer.json()["error"]
    return body


def test_a_page_size_bomb_is_refused_in_under_a_second(client: TestClient) -> None:
    bomb = _pdf(1, (5000, 5000))
    assert len(bomb) < 2000
    assert _refused_fast(client, bomb, "bomb.pdf")["code"] == "verify.too_large"


def test_a_pdf_of_hundreds_of_pages_is_refused_in_under_a_second(client: TestClient) -> None:
    assert _refused_fast(client, _pdf(300, (595, 842)), "long.pdf")["code"] == "verify.too_large"


def test_a_decompression_bomb_image_is_refused_in_under_a_second(client: TestClient) -> None:
    bomb = _png(20_000, 20_000)  # 400 megapixels in a small file
    assert len(bomb) < 200_000
    assert _refused_fast(client, bomb, "bomb.png")["code"] == "verify.too_large"


def test_a_body_larger_than_any_document_is_refused_before_it_is_read(client: TestClient) -> None:
    answer = client.post(
        "/v1/verify",
        content=b"x" * 16,
        headers={
            "content-length": str(limits.MAX_UPLOAD + 1),
            "content-type": "multipart/form-data; boundary=b",
        },
    )
    assert answer.status_code == 413


def test_a_client_that_asks_too_often_is_told_when_to_come_back(tmp_path: Path) -> None:
    pki = SealPki.create(tmp_path / "pki")
    app = create_public_app(pki.publisher, gate=limits.Gate(rate=3, window=60))
    with TestClient(app) as client:
        codes = [client.post("/v1/verify", data={"code": "KOFU1:x"}).status_code for _ in range(4)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        limited = client.post("/v1/verify", data={"code": "KOFU1:x"})
        assert limited.json()["error"]["code"] == "verify.rate_limited"
        assert int(limited.headers["retry-after"]) >= 1
