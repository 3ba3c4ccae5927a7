"""An on-disk cache for what is costly to build at start-up (parsed and validated rule files).

A value is pickled under the user cache directory (platformdirs; `$OPENIMR_CACHE_DIR` overrides
it), in a file named by a hash of everything it was built from: the bytes of the data files and
of the modules that build it, and the versions of Python and of the libraries involved. Change
any of them and the key changes, so the value is rebuilt. The cache is only ever an
optimisation: an unreadable, corrupt or unwritable cache falls back to building the value.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

from platformdirs import user_cache_dir

CACHE_DIR_ENV = "OPENIMR_CACHE_DIR"
# bump when the cache's own format changes
FORMAT = "1"

T = TypeVar("T")
log = logging.getLogger(__name__)


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or user_cache_dir("openimr"))


def _library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def cache_key(files: Iterable[Path], libraries: Iterable[str] = ()) -> str:
    """A hash of the files' names (with their folder's) and bytes, Python's version and the
    libraries' versions. Not the full path, so that checkouts with the same files share a key."""
    digest = hashlib.sha256(f"format {FORMAT}; python {sys.version}".encode())
    for name in sorted(libraries):
        digest.update(f"; {name} {_library_version(name)}".encode())
    for path in sorted(Path(p) for p in files):
        digest.update(f"; {path.parent.name}/{path.name} ".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cached_build(name: str, key: str, build: Callable[[], T], directory: Path | None = None) -> T:
    """The value stored as `name` under `key`, else `build()` (stored for the next process)."""
    directory = directory or cache_dir()
    path = directory / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # the user's own cache directory
    except FileNotFoundError:
        pass
    except Exception as exc:  # a corrupt pickle can raise almost anything
        log.debug("ignoring unreadable cache file %s: %s", path, exc)
    value = build()
    _store(directory, name, path, value)
    return value


def _store(directory: Path, name: str, path: Path, value: object) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        for stale in directory.glob(f"{name}-*.pickle"):  # values built from older inputs
            if stale != path:
                stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError) as exc:
        log.debug("not caching %s: %s", name, exc)
