"""The issuer's seal: signs a rendered document, stamps its code, and checks the result.

`seal_document` takes the rendered PDF and what each page certifies (recorded while drawing,
:class:`kofu.sealcode.content.PageContent`). It signs one back payload per page (the page's
complete content, for the back of the printed sheet), digests the PDF's structure into the
manifest, signs the front payload (identifying fields, the text's hash, the manifest's hash),
draws the front code in every page's reserved square and embeds the manifest and the backs —
one revision, written once. Before the document leaves the issuer it is checked as any
verifier would check it (:func:`kofu.sealcode.pdfcheck.check_pdf`), its text is confirmed to be
the content signed, and the front code must read back from page 1.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kofu.documents.render import DocumentData
from kofu.pki.errors import PkiError
from kofu.pki.paths import PkiPaths
from kofu.pki.seal import load_seal
from kofu.pki.trust import seal_kid
from kofu.protocol.errors import KofuError
from kofu.protocol.header import HeaderSigner
from kofu.sealcode import manifest as pdf_manifest
from kofu.sealcode.back import BackPayload, payload_sha256, sign_back
from kofu.sealcode.code import SealPayload, kid_of, sign_payload, texts_hash
from kofu.sealcode.content import PageContent
from kofu.sealcode.errors import DocumentError
from kofu.sealcode.manifest import Manifest, SealAttachment
from kofu.sealcode.pdfcheck import check_pdf
from kofu.sealcode.pdfium import open_pdf, page_image, texts_of
from kofu.sealcode.qr import (
    QR_SIZE,
    QUIET_ZONE,
    READBACK_DPI,
    decode_image,
    qr_crop,
    qr_rows,
)


class _SealKeys:
    """Each city's seal key and certificate, read once and again only after the files change.

    A rotation swaps the key and certificate files; a read that lands in between (a key that
    does not match its certificate) retries. The files' identity (inode, size, mtime) is checked
    on every use, so a rotated key signs the very next document.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}

    def get(self, paths: PkiPaths, city: str) -> tuple[Any, Any]:
        where = (str(paths.seal_key(city)), str(paths.seal_cert(city)))
        stamp = _stamp(paths, city)
        with self._lock:
            found = self._loaded.get(where)
        if found is not None and found[0] == stamp:
            return found[1]  # type: ignore[no-any-return]
        for attempt in range(5):
            try:
                loaded = load_seal(paths, city)
                break
            except PkiError:
                if attempt == 4:
                    raise
                time.sleep(0.05)
                stamp = _stamp(paths, city)
        with self._lock:
            self._loaded[where] = (stamp, loaded)
        return loaded


def _stamp(paths: PkiPaths, city: str) -> tuple[Any, ...]:
    stamp: tuple[Any, ...] = ()
    for path in (paths.seal_key(city), paths.seal_cert(city)):
        try:
            st = path.stat()
            stamp += (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            stamp += (None,)
    return stamp


SEAL_KEYS = _SealKeys()


def stamp_code(pdf: bytes | Any, code: str, attachment: bytes = b"") -> bytes:
    """``pdf`` (rendered with the seal code's square; bytes or a pypdf reader over them) with the
    QR of ``code`` drawn in that square on every page and ``attachment`` embedded."""
    drawing = pdf_manifest.code_drawing(qr_rows(code), QR_SIZE, QUIET_ZONE)
    return pdf_manifest.finish(pdf, drawing, attachment)


def seal_document(
    pdf: bytes,
    data: DocumentData,
    *,
    pages: Sequence[PageContent],
    city_code: str,
    doc: str,
    issue_number: str,
    binding: str,
    pki: PkiPaths,
) -> bytes:
    """Sign ``pdf`` (rendered from ``data``, certifying ``pages``) with the city's seal key.

    Raises :class:`KofuError` ``document.render_failed`` if the seal key is unusable, the PDF
    does not match its recorded content, or the sealed PDF does not check out: nothing unsealed,
    unreadable or inconsistent leaves the issuer.
    """
    try:
        key, cert = SEAL_KEYS.get(pki, city_code)
        kid = kid_of(cert)
        issue_date = data.issue_date
        if not isinstance(issue_date, dt.date):
            raise DocumentError("the document has no issue date", code="document.render_failed")
        backs = tuple(
            sign_back(BackPayload(city_code, doc, issue_number, issue_date, len(pages), page), key, kid)
            for page in pages
        )
        reader = pdf_manifest.reader_of(pdf)  # parsed once: digested, then finished
        document, digests = pdf_manifest.digest_reader(reader)
        if len(digests) != len(pages):
            raise DocumentError("the PDF's pages are not the pages recorded", code="document.render_failed")
        manifest = Manifest(
            document, tuple(replace(d, back=payload_sha256(b)) for d, b in zip(digests, backs, strict=True))
        )
        people, address = data.sealed_fields()  # each document type names its signed fields
        payload = SealPayload(
            city=city_code,
            doc=doc,
            issue_number=issue_number,
            issue_date=issue_date,
            pages=len(pages),
            people=people,
            address=address,
            text_sha256=texts_hash([page.text() for page in pages]),
            binding=binding,
            manifest_sha256=manifest.sha256().hex(),
        )
        code = sign_payload(payload, key, kid)
        sealed = stamp_code(reader, code, SealAttachment(manifest.to_cbor(), backs).to_cbor())
        _check(sealed, code, payload)
        return sealed
    except (DocumentError, PkiError, ValueError) as exc:
        raise KofuError("document.render_failed", f"sealing failed: {exc}") from exc


def _check(sealed: bytes, code: str, payload: SealPayload) -> None:
    """The sealed PDF is exactly what was signed (text included) and its code reads back."""
    with open_pdf(sealed) as document:  # one pdfium parse: the text layer and the printed code
        texts = texts_of(document)
        crop = page_image(document, 1, READBACK_DPI, qr_crop())
    finding = check_pdf(sealed, payload, texts=texts).finding
    if finding is not None:
        raise DocumentError(
            f"the sealed document does not check: {finding.reason} {finding.detail}",
            code="document.render_failed",
        )
    if code not in decode_image(crop):
        raise DocumentError("the seal QR does not read back", code="document.render_failed")


def header_signer(pki: PkiPaths, city_code: str) -> HeaderSigner:
    """The city's seal key as the signer of document headers (``kofu.protocol.header``)."""
    key, cert = SEAL_KEYS.get(pki, city_code)
    return HeaderSigner(seal_kid(cert), key)
