"""Small shared I/O helpers: atomic file writes and JSON output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from openimr.errors import InputError


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write via a temp file and rename, so a crash never leaves a half-written file."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file to write")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_input_text(
    path: str | Path, what: str, expected: str, *, max_bytes: int | None = None
) -> str:
    """Read a user-supplied text file (`what`, e.g. "case file"), or raise a one-line InputError.

    Missing, a directory, over `max_bytes`, not UTF-8, unreadable and empty are each named as such.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a {what} ({expected})")
    try:
        # the size is checked before reading, so a huge file is refused without loading it
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise InputError(too_large_message(path, what, path.stat().st_size, max_bytes))
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text = decode_utf8(raw, str(path), expected)
    if not text.strip():
        raise InputError(f"{path}: the {what} is empty")
    return text


def too_large_message(source: str | Path, what: str, size: int, max_bytes: int) -> str:
    return f"{source}: the {what} is {size:,} bytes, over the limit of {max_bytes:,} bytes"


def decode_utf8(raw: bytes, source: str, expected: str) -> str:
    """UTF-8 bytes -> text; anything else is a one-line InputError giving the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not UTF-8 (byte 0x{raw[exc.start]:02x} at byte offset {exc.start}); "
            f"save it as UTF-8 {expected}"
        ) from None


def to_json(obj: Any, indent: int | None = 2) -> str:
    if isinstance(obj, BaseModel):
        return obj.model_dump_json(indent=indent)
    return json.dumps(obj, indent=indent, default=str, ensure_ascii=False)


# Every date openimr takes in (a case's dates, a command's --date) lies within these years.
# Deadlines are computed by adding days to them, so a date near the calendar's end (9999-12-31)
# would overflow; no workers' comp case is that old or that far ahead. The bound reads no clock,
# so `validate` and every later stage agree on it.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199


def plausible_date(value: dt.date) -> dt.date:
    """`value`, or ValueError when its year is outside EARLIEST_YEAR..LATEST_YEAR."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            f"not a plausible case date (got {value.isoformat()}; "
            f"years {EARLIEST_YEAR}-{LATEST_YEAR})"
        )
    return value


def iso_date(value: str) -> dt.date:
    """argparse type for YYYY-MM-DD options (a bad value is a one-line usage error)."""
    try:
        return plausible_date(dt.date.fromisoformat(value))
    except ValueError as exc:
        detail = str(exc) if str(exc).startswith("not a plausible") else "not a date (YYYY-MM-DD)"
        raise argparse.ArgumentTypeError(f"{detail}: {value!r}") from None
