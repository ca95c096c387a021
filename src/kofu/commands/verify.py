"""`kofu verify FILE`: check a document's seal QR against the trust list (offline once cached)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kofu.commands._shared import add_documented
from kofu.config import Settings

EPILOG = """FILE is the PDF, a PNG/JPEG scan or photo of either side of a printed sheet, or a text
file with a code. A PDF is checked whole (every page's drawing, images, fonts and text); from a
photo or scan the codes are checked and the signed content of each page whose back was read is
printed, line by line as the front reads, to be compared with the paper.
The trust list comes from the centre's public address and is cached under $KOFU_VAR/trust-cache/
(its signature checked against the pinned signer certificate every time); without a network the
cached copy is used. --trust-list FILE uses a saved list instead (`kofu pki export-trust-list`).

exit status: 0 valid, 1 not valid (the reason code is printed), 2 cannot check (no trust list)
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = add_documented(
        sub,
        "verify",
        "verify a document's seal (PDF, PNG or JPEG)",
        epilog=EPILOG,
    )
    verify.add_argument("file", type=Path)
    verify.add_argument("--trust-list", type=Path, help="a saved signed trust list (JSON)")
    verify.add_argument("--anchor", type=Path, help="the trust-list signer certificate to pin (PEM)")
    verify.add_argument("--url", help="the centre's public address (default: from the settings)")
    verify.add_argument("--json", action="store_true", help="print the verdict as JSON")
    verify.set_defaults(handler=_verify)


def _anchor(settings: Settings, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from cryptography import x509

    from kofu.pki.trust import signer_cert_path

    path = args.anchor or signer_cert_path(settings.pki)
    return x509.load_pem_x509_certificate(path.read_bytes()) if path.exists() else None


def _trust(settings: Settings, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kofu.pki.trust import load_trust_list
    from kofu.pki.trust_cache import TrustCache

    anchor = _anchor(settings, args)
    if args.trust_list:
        return load_trust_list(args.trust_list.read_bytes(), anchor), ""
    url = (args.url or settings.public_url).rstrip("/")
    network_ca = settings.pki.network_ca_cert
    cache = TrustCache(
        url=f"{url}/trust-list",
        cache_file=settings.var_dir / "trust-cache" / "trust-list.json",
        anchor=anchor,
        verify=str(network_ca) if network_ca.exists() else True,
    )
    trust = cache.get()
    note = "" if anchor is not None else "(trust-list signer pinned on first use)"
    if cache.stale:
        note += f" (offline: cached trust list issued {trust.issued_at.isoformat()})"
    return trust, note


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    from kofu.pki.errors import PkiError
    from kofu.sealcode.verify import verify_code, verify_file

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        trust, note = _trust(settings, args)
    except (PkiError, OSError, ValueError) as exc:
        print(f"no trust list to check against: {exc}", file=sys.stderr)
        return 2
    text = _code_text(data)
    verdict = verify_code(text, trust) if text is not None else verify_file(data, trust)
    if args.json:
        print(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=1))
    else:
        _print(verdict, note)
    return 0 if verdict.ok else 1


def _code_text(data: bytes) -> str | None:
    """The file's content if it is a pasted code (text), not a PDF or an image."""
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8")) or len(data) > 8192:
        return None
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None


def _print(verdict, note: str) -> None:  # type: ignore[no-untyped-def]
    fields = verdict.fields()
    if fields is not None:
        print("signed fields:")
        for key, value in fields.items():
            if key == "people":
                for person in value:
                    print(f"  person        {person['name']}  born {person['birth_date']}")
            else:
                print(f"  {key:<13} {value}")
    if verdict.city_name:
        print(f"  issuer        {verdict.city_name} (kid {verdict.kid})")
    if verdict.ok:
        for page in verdict.as_dict()["pages"]:
            _print_page(page)
    label = "VALID" if verdict.ok else "NOT VALID"
    print(f"verdict: {label} {verdict.status.value} ({verdict.reason}) {verdict.detail} {note}".rstrip())
    if verdict.ok and not verdict.text_checked:
        print("from an image only the signatures are checked: compare the content above with the paper")


def _print_page(page: dict) -> None:  # type: ignore[type-arg]
    """A page's signed content, a line of text per line of the front, runs spaced by position."""
    print(f"--- page {page['page']}: signed content ---")
    for line in page["lines"]:
        text, column = "", 0.0
        for run in line:
            gap = max(1, round((run["x"] - column) / 2.5)) if text else round(run["x"] / 5)
            text += " " * gap + run["text"]
            column = run["x"] + len(run["text"]) * run["size"] * 0.3528
        print(text)
    for picture in page["pictures"]:
        print(
            f"[{picture['kind']} {picture['width']}x{picture['height']} mm, image sha256 {picture['sha256']}]"
        )
        for row in picture["preview"][::2]:
            print("    " + row.replace(".", " "))
