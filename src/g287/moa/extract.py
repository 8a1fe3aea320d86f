"""The PDF itself: its hash, its text layer and form fields (pypdfium2), and OCR of the pages that have
no text layer (Debian's Tesseract through pytesseract), cached by the PDF's SHA-256 under var/.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
from pathlib import Path

from django.conf import settings

# A page whose text layer holds fewer characters than this is a scan (a footer stamped on it at most).
MIN_TEXT_CHARS = 60
OCR_DPI = 200  # Tesseract reads the MOAs' 10–12 pt type well at 200 dpi; 300 dpi costs half again as long


class PdfError(Exception):
    """A file that is not a readable PDF; the message names the file."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_pdf(path: Path) -> tuple[list[str], dict[str, str]]:
    """The text of each page as the PDF's text layer gives it ("" for a scanned page), and the filled-in form
    fields (name → value), both in one pass of pypdfium2 over the document."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise PdfError(f"{path.name}: not a readable PDF ({exc})") from exc
    try:
        doc.init_forms()  # before the pages are loaded, so their form widgets carry their values
        env = doc.formenv.raw if doc.formenv is not None else None
        pages, fields = [], {}
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            if env is not None:
                fields.update(_page_fields(env, page))
            page.close()
        return pages, fields
    finally:
        doc.close()


def _page_fields(env, page) -> dict[str, str]:
    import pypdfium2.raw as raw

    def text(fn, annot) -> str:
        n = fn(env, annot, None, 0)  # bytes, UTF-16LE with its terminator
        if n <= 2:
            return ""
        buf = ctypes.create_string_buffer(n)
        fn(env, annot, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)), n)
        return buf.raw[: n - 2].decode("utf-16-le", "replace")

    out = {}
    for j in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = raw.FPDFPage_GetAnnot(page.raw, j)
        try:
            if raw.FPDFAnnot_GetSubtype(annot) == raw.FPDF_ANNOT_WIDGET:
                value = text(raw.FPDFAnnot_GetFormFieldValue, annot)
                if value and value != "Off":
                    out[text(raw.FPDFAnnot_GetFormFieldName, annot)] = value
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return out


def text_layer(path: Path) -> list[str]:
    return read_pdf(path)[0]


def form_fields(path: Path) -> dict[str, str]:
    return read_pdf(path)[1]


def needs_ocr(page_text: str) -> bool:
    return len(page_text.strip()) < MIN_TEXT_CHARS


def ocr_cache_dir(sha256: str, root: Path | str | None = None) -> Path:
    return Path(root or Path(settings.VAR_DIR) / "moa-ocr") / sha256


def cached_ocr(sha256: str, page: int, root: Path | str | None = None) -> str | None:
    f = ocr_cache_dir(sha256, root) / f"{page:04d}.txt"
    return f.read_text(encoding="utf-8") if f.exists() else None


def ocr_page(path: Path, sha256: str, page: int, root: Path | str | None = None) -> str:
    """OCR one page (0-based), through the cache (``root``: the cache folder, var/moa-ocr by default): a page is
    read by Tesseract once per PDF content."""
    hit = cached_ocr(sha256, page, root)
    if hit is not None:
        return hit
    import pypdfium2 as pdfium
    import pytesseract

    doc = pdfium.PdfDocument(str(path))
    try:
        image = doc[page].render(scale=OCR_DPI / 72, grayscale=True).to_pil()
    finally:
        doc.close()
    # One thread per page: pages run in parallel on the task queue's workers instead.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    text = pytesseract.image_to_string(image, lang="eng")
    out = ocr_cache_dir(sha256, root)
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{page:04d}.{os.getpid()}.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out / f"{page:04d}.txt")  # atomic: a worker never reads half a page
    return text
