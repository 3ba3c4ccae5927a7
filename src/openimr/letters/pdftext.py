"""Text of a PDF letter, pages separated by form feeds.

The DWC letters are AES-encrypted with an empty user password. PDFium (pypdfium2) reads them
several times faster than pypdf; lines are PDFium's own; a blank line is put where the vertical gap shows a paragraph break, the form the parsers expect. pypdf (with
`cryptography`) is the fallback when pypdfium2 is not installed or PDFium refuses a file.
"""

from __future__ import annotations

import io
import logging
from statistics import median

from openimr.errors import InputError

_PARAGRAPH_GAP = 1.6  # a gap this many times the usual line pitch starts a paragraph


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


def pdf_text(data: bytes, name: str = "PDF") -> str:
    """All page texts joined by "\\f". Raises InputError for an unreadable or locked PDF."""
    try:
        import pypdfium2  # noqa: F401 - optional third-party engine: pypdf stands in without it
    except ImportError:
        return pypdf_text(data, name)
    try:
        return pdfium_text(data)
    except Exception:  # noqa: BLE001 - PDFium failed on this file: let pypdf try, or explain
        return pypdf_text(data, name)


def _page_lines(textpage) -> list[tuple[float, str]]:  # noqa: ANN001
    """(top, text) of each line PDFium reports; top = highest glyph of the line's first chars."""
    text = textpage.get_text_range()
    out = []
    offset = 0
    for line in text.split("\r\n"):
        top = None
        for index in range(offset, offset + min(len(line), 24)):
            if not line[index - offset].isspace():
                box_top = textpage.get_charbox(index)[3]
                top = box_top if top is None else max(top, box_top)
        # PDFium joins a line ending in a hyphen to the next one and marks the hyphen U+FFFE;
        # print it as pypdf does ("evidence- based"): which line-end hyphens are soft is unknowable
        out.append((top, line.replace("\ufffe", "- ").replace("\x02", "- ").rstrip()))
        offset += len(line) + 2
    return out


def pdfium_text(data: bytes) -> str:
    import pypdfium2 as pdfium  # PDF libraries load only when a PDF is read: text stays light

    document = pdfium.PdfDocument(data, password="")  # PdfiumError: pypdf will say why
    pages = []
    try:
        for page_index in range(len(document)):
            lines = _page_lines(document[page_index].get_textpage())
            tops = [top for top, _ in lines if top is not None]
            gaps = [a - b for a, b in zip(tops, tops[1:], strict=False) if a > b]
            pitch = median(gaps) if gaps else 0.0
            text_lines = []
            previous_top = None
            for top, text in lines:
                if top is None:
                    continue
                if (
                    previous_top is not None
                    and pitch
                    and previous_top - top > _PARAGRAPH_GAP * pitch
                ):
                    text_lines.append("")  # a paragraph break: the gap is wider than a line
                text_lines.append(text)
                previous_top = top
            pages.append("\n".join(text_lines))
    finally:
        document.close()
    return "\f".join(pages)


def pypdf_text(data: bytes, name: str = "PDF") -> str:
    import pypdf  # ~0.5 s to import, and only a file PDFium refuses needs it

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable PDFs are common
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: PDF is encrypted with a user password")
        return "\f".join(page.extract_text() or "" for page in reader.pages)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf on damaged bytes raises whatever it meets
        # (PdfReadError, but also NotImplementedError for a garbled filter name, IndexError,
        # AssertionError, ...); PDFium refused the file or is absent: each means "damaged PDF".
        raise InputError(
            f"{name}: unreadable PDF ({type(exc).__name__}: {_one_line(exc)})"
        ) from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or "no detail"
