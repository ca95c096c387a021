"""Checking a seal needs no renderer: the verifier's modules load neither kofu.documents nor reportlab."""

from __future__ import annotations

import subprocess
import sys


def test_seal_checking_imports_no_renderer() -> None:
    script = (
        "import sys\n"
        "import kofu.sealcode.verify, kofu.sealcode.pdfcheck, kofu.sealcode.back, kofu.verifier.app\n"
        "loaded = [m for m in sys.modules if m.startswith(('kofu.documents', 'reportlab'))]\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
