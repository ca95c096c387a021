"""The city's seal code (公印 in code form): signing, reading and checking it, without the renderer.

Everything that signs or verifies an issued document lives here and needs no layout engine::

    code       the front seal code: payload, COSE_Sign1 (ES256), base45 + zlib, ``KOFU1:``
    back       the signed back payload of each page and its QR parts
    content    what a page certifies (texts, pictures), recorded while drawing
    manifest   the canonical digests of a PDF's structure, the manifest and the embedded file
    pdfcheck   whether a sealed PDF is still what the city issued (one finding)
    qr         the QR symbol: modules, drawing onto a canvas, reading back from images and PDFs
    pdfium     PDFs opened in-process once: text and page images
    verify     verdicts for a code, a photo or a PDF against the signed trust list
    errors     DocumentError (.code)

The kiosk, the public verifier and ``kofu verify`` import only this package;
:mod:`kofu.documents` (the renderer) imports from it, never the other way round.
"""
