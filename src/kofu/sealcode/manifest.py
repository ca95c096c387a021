"""Whether a PDF is, object for object, the one the city issued: digests, manifest, attachment.

The cheapest check that no viewer can fool is on the PDF's structure, not on its pixels or
its text layer alone. For each page the issuer digests, canonically (objects resolved, streams
decoded, dictionary keys sorted — so merely re-saving or recompressing the file changes
nothing, while any drawing, image, font or annotation does):

    content      the page's content streams and every form XObject it draws
    images       every image XObject it draws (the seal impression among them)
    fonts        every font (programs, widths, the ToUnicode maps the text layer comes from)
    annotations  the /Annots array (none on an issued page)
    page         everything else: media box, rotation, other resources, inherited values

and, once, the document: the catalog (but the page tree, compared page by page, and the
embedded files) and the /Info dictionary. These digests, with a digest of each page's signed
back payload, form the :class:`Manifest`, which travels inside the PDF as the embedded file
:data:`ATTACHMENT` next to the back payloads; the front seal code signs the manifest's SHA-256.

One object is left out of the page digests: the seal code's form (:data:`SEAL_CODE_RESOURCE`),
whose drawing is the front QR itself, made after the digests. Its dictionary (box, matrix,
resources) is digested; its drawing must be nothing but black and white rectangles, and a
form never draws outside its box, so it can hold no overlay.

An incremental update (a new revision appended to the file) is refused outright: the issuer
writes exactly one.

Renderer-free: pypdf reads the structure; nothing here imports the layout engine.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cbor2

from kofu.sealcode.errors import DocumentError
from kofu.sealcode.qr import SEAL_CODE_RESOURCE, dark_runs

ATTACHMENT = "kofu-seal.cbor"
MANIFEST_VERSION = 1
COMPONENTS = ("content", "images", "fonts", "annotations", "page")
_STREAM_KEYS = frozenset(("/Length", "/Filter", "/DecodeParms", "/DL"))
_LINKS = frozenset(("/Parent", "/P"))  # links back up the tree, not content
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_NUMBER = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
# Rectangles filled in black or white, nothing else: the only drawing a seal code's form may hold.
_CODE_DRAWING = re.compile(
    rb"(?:\s*(?:[01]\s+[01]\s+[01]\s+rg|[01]\s+g|q|Q|f|(?:%s\s+){4}re)(?=\s|$))*\s*" % _NUMBER
)


@dataclass(frozen=True)
class PageDigests:
    """The digests of one page (32 bytes each); ``back`` digests its signed back payload."""

    content: bytes
    images: bytes
    fonts: bytes
    annotations: bytes
    page: bytes
    back: bytes = b""

    def differences(self, other: PageDigests) -> list[str]:
        """The components in which ``other`` differs, in :data:`COMPONENTS` order."""
        return [name for name in COMPONENTS if getattr(self, name) != getattr(other, name)]


@dataclass(frozen=True)
class Manifest:
    """The document digest and every page's digests, as signed (by SHA-256) in the front code."""

    document: bytes
    pages: tuple[PageDigests, ...]

    def to_cbor(self) -> bytes:
        """The manifest's canonical bytes."""
        pages = [[p.content, p.images, p.fonts, p.annotations, p.page, p.back] for p in self.pages]
        return cbor2.dumps({0: MANIFEST_VERSION, 1: self.document, 2: pages})

    def sha256(self) -> bytes:
        """What the front seal code signs."""
        return hashlib.sha256(self.to_cbor()).digest()

    @classmethod
    def from_cbor(cls, data: bytes) -> Manifest:
        """Parse a manifest; raise ``ValueError`` for anything else."""
        m = cbor2.loads(data)
        if not isinstance(m, dict) or m.get(0) != MANIFEST_VERSION:
            raise ValueError("not a version-1 manifest")
        pages = []
        for row in m[2]:
            if not isinstance(row, list) or len(row) != 6 or not all(isinstance(v, bytes) for v in row):
                raise ValueError("page digests malformed")
            pages.append(PageDigests(*row))
        if not isinstance(m[1], bytes):
            raise ValueError("document digest malformed")
        return cls(m[1], tuple(pages))


@dataclass(frozen=True)
class SealAttachment:
    """The embedded file: the manifest and each page's signed back payload (COSE_Sign1 bytes)."""

    manifest: bytes
    backs: tuple[bytes, ...]

    def to_cbor(self) -> bytes:
        """The file's bytes."""
        return cbor2.dumps({0: 1, 1: self.manifest, 2: list(self.backs)})

    @classmethod
    def from_cbor(cls, data: bytes) -> SealAttachment:
        """Parse the file; raise ``ValueError`` for anything else."""
        m = cbor2.loads(data)
        if not isinstance(m, dict) or m.get(0) != 1 or not isinstance(m.get(1), bytes):
            raise ValueError("not a kofu seal attachment")
        backs = m.get(2)
        if not isinstance(backs, list) or not all(isinstance(b, bytes) for b in backs):
            raise ValueError("back payloads malformed")
        return cls(m[1], tuple(backs))


# -- canonical digests ----------------------------------------------------------------------------
class _Canon:
    """Feeds a PDF object into a hash in a form independent of how the file stores it."""

    def __init__(self) -> None:
        from pypdf import generic  # pypdf only for callers that digest

        self.g: Any = generic
        self.numbers = (generic.NumberObject, generic.FloatObject, int, float)
        self.path: set[int] = set()
        self.memo: dict[int, bytes] = {}  # an indirect object's digest, by identity (fonts are shared)

    def feed(self, digest: Any, obj: Any, skip: frozenset[str] = frozenset()) -> None:
        g = self.g
        if isinstance(obj, g.IndirectObject):
            target = obj.get_object()
            key = id(target)
            if key in self.path:
                digest.update(b"<cycle>")
                return
            if skip or key not in self.memo:
                inner = hashlib.sha256()
                self.path.add(key)
                try:
                    self.feed(inner, target, skip)
                finally:
                    self.path.discard(key)
                if skip:
                    digest.update(b"r" + inner.digest())
                    return
                self.memo[key] = inner.digest()
            digest.update(b"r" + self.memo[key])
        elif isinstance(obj, g.StreamObject):
            self._dict(digest, obj, skip | _STREAM_KEYS, b"s")
            data = obj.get_data()
            digest.update(len(data).to_bytes(8, "big") + data)
        elif isinstance(obj, g.DictionaryObject):
            self._dict(digest, obj, skip, b"d")
        elif isinstance(obj, g.ArrayObject):
            digest.update(b"a%d[" % len(obj))
            numbers = self.numbers
            if all(isinstance(item, numbers) and not isinstance(item, bool) for item in obj):
                digest.update(b"".join(b"#%s\x00" % repr(round(float(i), 6)).encode() for i in obj))
            else:
                for item in obj:
                    self.feed(digest, item)
            digest.update(b"]")
        elif isinstance(obj, g.NameObject):
            digest.update(b"n" + str(obj).encode() + b"\x00")
        elif isinstance(obj, g.BooleanObject):
            digest.update(b"b1" if obj else b"b0")
        elif isinstance(obj, self.numbers):
            digest.update(b"#" + repr(round(float(obj), 6)).encode() + b"\x00")
        elif isinstance(obj, g.TextStringObject | g.ByteStringObject | str | bytes):
            raw = obj.original_bytes if isinstance(obj, g.TextStringObject) else obj
            raw = raw.encode() if isinstance(raw, str) else bytes(raw)
            digest.update(b"t%d:" % len(raw) + raw)
        elif obj is None or isinstance(obj, g.NullObject):
            digest.update(b"null")
        else:
            digest.update(b"?" + type(obj).__name__.encode())

    def _dict(self, digest: Any, obj: Any, skip: frozenset[str], tag: bytes) -> None:
        keys = sorted(k for k in obj if k not in skip and k not in _LINKS)
        digest.update(tag + b"%d{" % len(keys))
        for key in keys:
            digest.update(str(key).encode() + b"\x00")
            self.feed(digest, obj[key])
        digest.update(b"}")


def pdf_image_sha256(image: Any) -> str:
    """SHA-256 of what an image XObject shows: its decoded samples, then its soft mask's (alpha)."""
    digest = hashlib.sha256(image.get_data())
    mask = image.get("/SMask")
    if mask is not None:
        digest.update(_resolve(mask).get_data())
    return digest.hexdigest()


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _inherited(page: Any, key: str) -> Any:
    node, depth = page, 0
    while node is not None and depth < 64:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = _resolve(parent) if parent is not None else None
        depth += 1
    return None


def _content_streams(page: Any) -> Iterator[bytes]:
    contents = _resolve(page.get("/Contents"))
    if contents is None:
        return
    if isinstance(contents, list):
        for stream in contents:
            yield _resolve(stream).get_data()
    else:
        yield contents.get_data()


class _PageWalk:
    """The five digests of one page (see the module docstring)."""

    def __init__(self, canon: _Canon) -> None:
        self.canon = canon
        self.digests = {name: hashlib.sha256() for name in COMPONENTS}
        self.forms: set[int] = set()
        self.images: dict[str, str] = {}  # resource path -> image_sha256 of what it shows

    def resources(self, resources: Any, where: str) -> None:
        resources = _resolve(resources)
        if resources is None:
            self.digests["page"].update(b"no resources")
            return
        for key in sorted(resources):
            value = _resolve(resources[key])
            if key == "/XObject":
                for name in sorted(value):
                    self.xobject(f"{where}{name}", name, _resolve(value[name]))
            elif key == "/Font":
                self.digests["fonts"].update(f"{where}:".encode())
                self.canon.feed(self.digests["fonts"], value)
            else:
                self.digests["page"].update(f"{where}{key}:".encode())
                self.canon.feed(self.digests["page"], value)

    def xobject(self, path: str, name: str, xobject: Any) -> None:
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            digest = hashlib.sha256()
            self.canon.feed(digest, xobject)
            self.images[path] = pdf_image_sha256(xobject)
            self.digests["images"].update(path.encode() + b"=" + digest.digest())
            self.digests["content"].update(f"image {path}".encode())
            return
        content = self.digests["content"]
        if name == SEAL_CODE_RESOURCE:
            content.update(f"seal code form {path}".encode())
            self.canon._dict(content, xobject, _STREAM_KEYS | {"/Resources"}, b"f")
            self.resources(xobject.get("/Resources"), path)
            return
        key = id(xobject)
        if key in self.forms:  # a form drawing itself: digest once
            content.update(f"again {path}".encode())
            return
        self.forms.add(key)
        content.update(f"form {path}".encode())
        self.canon.feed(content, xobject, frozenset({"/Resources"}))
        self.resources(xobject.get("/Resources"), path)


def page_digests(page: Any, canon: _Canon | None = None) -> tuple[PageDigests, dict[str, str]]:
    """The digests of a pypdf page, and each image's digest by resource path (for reasons).

    ``canon``: share one between the pages of a document, so shared objects (fonts) are read once.
    """
    walk = _PageWalk(canon or _Canon())
    for data in _content_streams(page):
        walk.digests["content"].update(len(data).to_bytes(8, "big") + data)
    walk.resources(_inherited(page, "/Resources"), "")
    walk.canon.feed(walk.digests["annotations"], page.get("/Annots"))
    rest = walk.digests["page"]
    walk.canon._dict(rest, page, frozenset(("/Contents", "/Annots", *_INHERITED)), b"p")
    for key in _INHERITED[1:]:
        rest.update(key.encode())
        walk.canon.feed(rest, _inherited(page, key))
    done = {name: digest.digest() for name, digest in walk.digests.items()}
    return PageDigests(**done), walk.images


def document_digest(reader: Any) -> bytes:
    """The digest of the catalog (less the page tree and the embedded files) and /Info."""
    canon = _Canon()
    digest = hashlib.sha256()
    root = _resolve(reader.trailer["/Root"])
    canon._dict(digest, root, frozenset(("/Pages", "/Names")), b"c")
    names = _resolve(root.get("/Names")) or {}
    canon._dict(digest, names, frozenset({"/EmbeddedFiles"}), b"names")
    info = reader.trailer.get("/Info")
    canon.feed(digest, info)
    return digest.digest()


# -- reading a PDF ------------------------------------------------------------------------------
def reader_of(pdf: bytes) -> Any:
    """A pypdf reader over ``pdf``; raise ``document.unreadable``."""
    from pypdf import PdfReader

    try:
        return PdfReader(io.BytesIO(pdf))
    except Exception as exc:
        raise DocumentError(f"not a readable PDF: {exc}", code="document.unreadable") from exc


def revisions(pdf: bytes, reader: Any) -> int:
    """How many revisions the file holds: more than one means an incremental update."""
    count = len(re.findall(rb"(?m)^startxref\s", pdf)) or 1
    return count + (1 if "/Prev" in reader.trailer and count == 1 else 0)


def embedded_files(reader: Any) -> dict[str, bytes]:
    """The embedded files of the document, by name (each name's first file)."""
    try:
        attachments = reader.attachments
        return {name: contents[0] for name, contents in attachments.items() if contents}
    except Exception as exc:
        raise DocumentError(f"embedded files unreadable: {exc}", code="document.unreadable") from exc


def seal_code_forms(reader: Any) -> list[Any]:
    """The seal code's form on each page that draws one."""
    forms = []
    for page in reader.pages:
        resources = _resolve(_inherited(page, "/Resources")) or {}
        xobjects = _resolve(resources.get("/XObject")) or {}
        if SEAL_CODE_RESOURCE in xobjects:
            forms.append(_resolve(xobjects[SEAL_CODE_RESOURCE]))
    return forms


def is_code_drawing(data: bytes) -> bool:
    """Whether a form's drawing is only filled rectangles in black or white (a QR symbol)."""
    return _CODE_DRAWING.fullmatch(data) is not None


# -- writing (the issuer) ---------------------------------------------------------------------------
def code_drawing(rows: tuple[bytes, ...], size: float, quiet_zone: int) -> bytes:
    """The seal code form's drawing: a white square, then each run of dark modules, in black
    (``rows``: the symbol row by row from the top, one byte a module, 1 = dark)."""
    unit = size / (len(rows) + 2 * quiet_zone)
    n = len(rows)
    # Every coordinate and width formatted once: a symbol has ~n distinct values of each.
    xs = [f"{(c + quiet_zone) * unit:.3f}" for c in range(n)]
    ys = [f"{size - (r + quiet_zone + 1) * unit:.3f}" for r in range(n)]
    widths = [f"{length * unit:.3f}" for length in range(n + 1)]
    height = f"{unit:.3f}"
    out = [f"1 1 1 rg 0 0 {size:.3f} {size:.3f} re f 0 0 0 rg"]
    out += [f"{xs[c]} {ys[r]} {widths[length]} {height} re" for r, c, length in dark_runs(rows)]
    out.append("f")
    return "\n".join(out).encode()


def digest_pdf(pdf: bytes) -> tuple[bytes, tuple[PageDigests, ...]]:
    """The document digest and each page's digests (without back digests) of ``pdf``."""
    return digest_reader(reader_of(pdf))


def digest_reader(reader: Any) -> tuple[bytes, tuple[PageDigests, ...]]:
    """:func:`digest_pdf` of a PDF already open in a pypdf reader."""
    canon = _Canon()
    return document_digest(reader), tuple(page_digests(page, canon)[0] for page in reader.pages)


def finish(pdf: bytes | Any, drawing: bytes, attachment: bytes) -> bytes:
    """``pdf`` (bytes, or a pypdf reader over them) with the seal code's form drawing ``drawing``
    and the embedded ``attachment``, written as one revision. Raise ``document.render_failed``
    if ``pdf`` has no seal code form."""
    from pypdf import PdfWriter
    from pypdf.filters import FlateDecode
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=reader_of(pdf) if isinstance(pdf, bytes) else pdf)
    forms = {id(form): form for form in seal_code_forms(writer)}
    if len(seal_code_forms(writer)) != len(writer.pages) or not forms:
        raise DocumentError("a page has no seal code square", code="document.render_failed")
    for form in forms.values():
        if "/DecodeParms" in form:
            del form[NameObject("/DecodeParms")]
        form[NameObject("/Filter")] = NameObject("/FlateDecode")
        form.decoded_self = None
        StreamObject.set_data(form, FlateDecode.encode(drawing))
    writer.add_attachment(ATTACHMENT, attachment)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
