"""Seal → verify for every document type, from the PDF, a 200-dpi PNG of either side and the
printed sheets; and each kind of tampering with the code with its own reason (tampering with the
document: test_seal_tamper)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from seal_support import BINDING, CITY, SealPki, issued_today, png_of

import kofu.documents as documents
from kofu.documents.sheets import print_sheets
from kofu.pki.trust import revoke_seal, rotate_seal
from kofu.sealcode.code import kid_of, parse_seal, sign_payload
from kofu.sealcode.content import normalise_text
from kofu.sealcode.verify import Status, codes_in_pdf, verify_code, verify_file


def _cases() -> dict[str, tuple[str, object]]:
    """One case per document type that kofu.documents exposes (new types are picked up as they land)."""
    try:
        from documents_cases import CASES
    except ImportError:  # before the documents issue: only the 住民票 exists
        CASES = {}
    from documents_samples import household

    chosen: dict[str, tuple[str, object]] = {"juminhyo": ("juminhyo", issued_today(household()))}
    for _name, (doc, data) in CASES.items():
        chosen.setdefault(doc, (doc, issued_today(data)))
    return chosen


def _render(doc: str, data: object) -> bytes:
    render = getattr(documents, "render", None)
    return render(doc, data) if render else getattr(documents, f"render_{doc}")(data)


DOC_TYPES = tuple(getattr(documents, "DOCUMENT_TYPES", ("juminhyo",)))
CASES = _cases()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return SealPki.create(tmp_path_factory.mktemp("pki"))


def test_every_document_type_has_a_case():
    assert set(DOC_TYPES) <= set(CASES), f"no seal round-trip case for {set(DOC_TYPES) - set(CASES)}"


@pytest.mark.parametrize("doc", DOC_TYPES)
def test_round_trip_from_pdf_png_and_printed_sheets(pki, doc):
    doc_type, data = CASES[doc]
    sealed = pki.seal(_render(doc_type, data), data, doc=doc_type)
    trust = pki.trust()
    verdict = verify_file(sealed, trust)
    assert (verdict.status, verdict.reason, verdict.text_checked) == (Status.VALID, "seal.valid", True)
    assert verdict.payload is not None and verdict.payload.doc == doc_type and verdict.payload.city == CITY
    assert verdict.payload.people and verdict.payload.binding == BINDING
    shown = documents.extract_text(sealed)
    assert all(p.name.replace(" ", "") in shown.replace(" ", "") for p in verdict.payload.people)

    assert len(verdict.pages) == verdict.payload.pages
    fronts = documents.page_texts(sealed)
    for page, front in zip(verdict.pages, fronts, strict=True):  # the signed content is the front's
        assert normalise_text(page.text()) == normalise_text(front)

    image = verify_file(png_of(sealed, dpi=200), trust)
    assert (image.status, image.text_checked, image.payload) == (Status.VALID, False, verdict.payload)

    printed = print_sheets(sealed, "西東京市", "https://centre.example/")
    on_paper = verify_file(printed, trust)  # the print job, checked as paper
    assert (on_paper.status, on_paper.text_checked) == (Status.VALID, False), on_paper.detail
    assert on_paper.pages == verdict.pages
    assert on_paper.code == verdict.code  # the front code, as read from the printed sheets
    back = verify_file(png_of(printed, page=2), trust)  # the back side, scanned
    assert (back.status, back.text_checked) == (Status.VALID, False)
    assert back.pages == verdict.pages[:1] and back.fields() == {
        k: v
        for k, v in (verdict.fields() or {}).items()
        if k in back.fields()  # type: ignore[operator]
    }


@pytest.fixture(scope="module")
def juminhyo(pki):
    _doc, data = CASES["juminhyo"]
    return data, pki.seal(_render("juminhyo", data), data)


def test_changed_text_is_modified_text(pki, juminhyo):
    from kofu.documents.issue import stamp_code

    data, sealed = juminhyo
    code = codes_in_pdf(sealed)[0]
    forged_data = replace(data, address="東京都西東京市ひばり野三丁目4番6号")
    forged = stamp_code(_render("juminhyo", forged_data), code)  # the genuine QR on edited text
    verdict = verify_file(forged, pki.trust())
    assert (verdict.status, verdict.reason) == (Status.MODIFIED, "document.modified.text")


def test_payload_resigned_with_another_key_is_bad_signature(pki, juminhyo):
    _data, sealed = juminhyo
    parsed = parse_seal(codes_in_pdf(sealed)[0])
    forged_payload = replace(parsed.payload, issue_date=dt.date(2026, 1, 1))
    forged = sign_payload(forged_payload, ec.generate_private_key(ec.SECP256R1()), parsed.kid)
    verdict = verify_code(forged, pki.trust())
    assert (verdict.status, verdict.reason) == (Status.BAD_SIGNATURE, "seal.signature.invalid")


def test_unknown_kid_is_unknown_key(pki, juminhyo):
    _data, sealed = juminhyo
    parsed = parse_seal(codes_in_pdf(sealed)[0])
    forged = sign_payload(parsed.payload, ec.generate_private_key(ec.SECP256R1()), b"\xee" * 8)
    verdict = verify_code(forged, pki.trust())
    assert (verdict.status, verdict.reason) == (Status.UNKNOWN_KEY, "seal.key.unknown")


def test_a_pdf_without_a_code_and_with_two_codes_are_malformed(pki, juminhyo):
    from kofu.documents.issue import stamp_code
    from kofu.documents.render import render_document

    data, sealed = juminhyo
    bare = verify_file(_render("juminhyo", data), pki.trust())
    assert (bare.status, bare.reason) == (Status.MALFORMED, "seal.code.missing")
    garbage = verify_file(b"not a pdf, not an image", pki.trust())
    assert (garbage.status, garbage.reason) == (Status.MALFORMED, "seal.file.unreadable")
    other = sign_payload(
        parse_seal(codes_in_pdf(sealed)[0]).payload, ec.generate_private_key(ec.SECP256R1()), b"\x02" * 8
    )
    from documents_samples import large_household

    big = issued_today(large_household(8))
    first = pki.seal(render_document("juminhyo", big).pdf, big)
    mixed = documents_merge(first, stamp_code(render_document("juminhyo", big).pdf, other))
    verdict = verify_file(mixed, pki.trust())
    assert (verdict.status, verdict.reason) == (Status.MALFORMED, "seal.code.inconsistent")


def documents_merge(first: bytes, second: bytes) -> bytes:
    """Page 1 of ``first`` and page 2 of ``second``: two pages with different codes."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(first)).pages[0])
    writer.add_page(PdfReader(io.BytesIO(second)).pages[1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_rotation_keeps_old_documents_valid_and_revocation_fails_them(tmp_path):
    pki = SealPki.create(tmp_path)
    _doc, data = CASES["juminhyo"]
    before = pki.seal(_render("juminhyo", data), data)
    old_kid, new_kid = rotate_seal(pki.paths, CITY)
    after = pki.seal(_render("juminhyo", data), data)
    trust = pki.trust()
    assert old_kid != new_kid and trust.lookup(old_kid) and not trust.lookup(old_kid).current
    assert verify_file(before, trust).ok and verify_file(after, trust).ok
    assert parse_seal(codes_in_pdf(after)[0]).kid.hex() == new_kid

    revoke_seal(pki.paths, CITY, old_kid)
    trust = pki.trust()
    revoked = verify_file(before, trust)
    assert (revoked.status, revoked.reason) == (Status.REVOKED_KEY, "seal.key.revoked")
    assert verify_file(after, trust).ok


def test_a_city_key_cannot_vouch_for_another_city(tmp_path):
    pki = SealPki.create(tmp_path)
    _doc, data = CASES["juminhyo"]
    sealed = pki.seal(_render("juminhyo", data), data)
    parsed = parse_seal(codes_in_pdf(sealed)[0])
    from kofu.pki.seal import load_seal

    key, cert = load_seal(pki.paths, CITY)
    forged = sign_payload(replace(parsed.payload, city="132110"), key, kid_of(cert))
    verdict = verify_code(forged, pki.trust())
    assert (verdict.status, verdict.reason) == (Status.BAD_SIGNATURE, "seal.city.mismatch")
