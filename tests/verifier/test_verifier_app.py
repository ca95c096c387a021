"""The centre's public app in-process: trust list, verification by pasted code and by upload."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "documents"))

from documents_samples import household
from seal_support import SealPki, issued_today, png_of

from kofu.documents import render_juminhyo
from kofu.pki.trust import load_trust_list
from kofu.sealcode.verify import codes_in_pdf
from kofu.verifier.app import create_public_app


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    pki = SealPki.create(tmp_path_factory.mktemp("pki"))
    data = issued_today(household())
    sealed = pki.seal(render_juminhyo(data), data)
    return pki, TestClient(create_public_app(pki.publisher)), sealed


def test_trust_list_is_served_signed(setup):
    pki, client, _ = setup
    response = client.get("/trust-list")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert load_trust_list(response.content, pki.trust().signer).city_names["132292"] == "西東京市"


def test_pasted_code_shows_the_signed_fields(setup):
    _, client, sealed = setup
    code = codes_in_pdf(sealed)[0]
    page = client.post("/verify", data={"code": code})
    assert page.status_code == 200 and "有効 / VALID" in page.text
    assert "田無 太郎" in page.text and "00012345" in page.text
    answer = client.post("/v1/verify", data={"code": code}).json()
    assert answer["status"] == "valid" and answer["fields"]["issue_number"] == "00012345"
    broken = client.post("/v1/verify", data={"code": code[:40]}).json()
    assert (broken["status"], broken["reason"]) == ("malformed", "seal.code.encoding")


def test_uploaded_pdf_and_scan(setup):
    _, client, sealed = setup
    pdf = client.post("/v1/verify", files={"file": ("doc.pdf", sealed, "application/pdf")}).json()
    assert (pdf["status"], pdf["text_checked"]) == ("valid", True)
    scan = client.post("/v1/verify", files={"file": ("scan.png", png_of(sealed), "image/png")}).json()
    assert (scan["status"], scan["text_checked"]) == ("valid", False)
    none = client.post("/v1/verify", data={}).json()
    assert none["reason"] == "seal.code.missing"


def test_the_page_escapes_what_it_shows(setup):
    _, client, _ = setup
    page = client.post("/verify", data={"code": "<script>alert(1)</script>"})
    assert "<script>alert" not in page.text


def test_a_scanned_back_shows_the_pages_signed_content_laid_out(setup):
    from kofu.documents.sheets import print_sheets, sheet_backs

    _, client, sealed = setup
    sheets = print_sheets(sealed, "西東京市", "https://shoumei.example.jp/")
    page = client.post("/verify", files={"file": ("back.png", png_of(sheets, page=2), "image/png")})
    assert page.status_code == 200 and "有効 / VALID" in page.text, page.text
    assert "1枚目の記載内容" in page.text and "class='sheet'" in page.text
    assert "田無 太郎" in page.text and "住民票" in page.text  # the content, not only the fields
    answer = client.post(
        "/v1/verify", files={"file": ("back.png", png_of(sheets, page=2), "image/png")}
    ).json()
    lines = [" ".join(run["text"] for run in line) for line in answer["pages"][0]["lines"]]
    assert answer["text_checked"] is False and any("田無 太郎" in line for line in lines)
    pasted = client.post("/v1/verify", data={"code": "\n".join(sheet_backs(sealed)[0])}).json()
    assert pasted["status"] == "valid" and pasted["pages"] == answer["pages"]
