"""Text of a PDF letter, pages separated by form feeds. Handles the DWC letters' encryption
(AES with an empty user password: pypdf decrypts it with `cryptography`)."""

from __future__ import annotations

import io
import logging

from openimr.errors import InputError


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


def pdf_text(data: bytes, name: str = "PDF") -> str:
    """All page texts joined by "\\f". Raises InputError for an unreadable or locked PDF."""
    import pypdf
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable PDFs are common
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: PDF is encrypted with a user password")
        return "\f".join(page.extract_text() or "" for page in reader.pages)
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{name}: unreadable PDF ({type(exc).__name__}: {exc})") from exc
