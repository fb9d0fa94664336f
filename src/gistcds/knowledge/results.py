"""Computed results kept on disk beside the precompiled knowledge base (issue 19 item 11).

For pure functions of small arguments whose computation costs more than reading a file:
the prognosis bands and sequence simulations, which need numpy (its import alone is about
a sixth of a cold ``gistcds assess``). A process that finds a result stored for the same

- knowledge base (its cache key: YAML content, ``gistcds.knowledge``/``gistcds.domain``
  code, versions of gistcds, pydantic and Python; see :mod:`gistcds.knowledge.cache`),
- computing code (each of ``modules``' source files, found without importing them, by path,
  size and modification time; a package such as ``numpy`` by its ``__init__`` file, which
  an upgrade rewrites) and Python version,
- name and arguments (their ``repr``, stored too and compared on reading: floats print
  exactly, so equal text means equal arguments),

reads it instead of computing it; the figures are the ones the computation gave, so the
output is the same byte for byte.

Safety, as for the knowledge base: a private folder (``results`` under the cache folder,
mode 0700, ours), whole files only (written to a temporary name and renamed), a file that
cannot be read or holds anything else is ignored and computed again, and no failure of the
cache ever fails the caller. Bounded: at most ``MAX_ENTRIES`` files and ``MAX_BYTES``
bytes; the least recently used go first (a hit refreshes the file's time). Off when the
knowledge-base cache is off (``GISTCDS_KB_CACHE=0``) or the knowledge base did not come
from it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from gistcds.cache_folder import enabled, private_subdir
from gistcds.knowledge.cache import read_pickle, write_pickle

__all__ = ["MAX_BYTES", "MAX_ENTRIES", "SUBDIR", "remembered"]

MAX_ENTRIES = 1024
MAX_BYTES = 32 * 1024 * 1024
SUBDIR = "results"
_FORMAT = "1"
_STALE_TMP_SECONDS = 600.0  # a temporary file this old was left by a writer that died
R = TypeVar("R")


@cache
def _code_stamp(modules: tuple[str, ...]) -> str:
    """Path, size and mtime of each module's source file, and the Python version.
    ``find_spec`` imports a submodule's parents only, never the module itself."""
    parts = [sys.version]
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise LookupError(name)
        st = os.stat(spec.origin)
        parts.append(f"{spec.origin}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _path(folder: Path, kb_key: str, name: str, stamp: str, text: str) -> Path:
    digest = hashlib.sha256("\n".join((_FORMAT, kb_key, name, stamp, text)).encode())
    return folder / f"{name}-{digest.hexdigest()[:40]}.pickle"


def prune(folder: Path) -> None:
    """Drop the least recently used files beyond ``MAX_ENTRIES``/``MAX_BYTES``, and
    temporary files left by writers that died."""
    now = time.time()
    entries = []
    with os.scandir(folder) as it:
        for entry in it:
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if entry.name.startswith(".tmp-"):
                    if now - st.st_mtime > _STALE_TMP_SECONDS:
                        os.unlink(entry.path)
                elif entry.name.endswith(".pickle"):
                    entries.append((st.st_mtime, st.st_size, entry.path))
    entries.sort(reverse=True)  # newest first
    total = 0
    for i, (_, size, path) in enumerate(entries):
        total += size
        if i >= MAX_ENTRIES or total > MAX_BYTES:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _lookup(path: Path, name: str, text: str, kind: type[R]) -> R | None:
    value = read_pickle(path)
    if not (isinstance(value, tuple) and len(value) == 3):
        return None
    stored_name, stored_text, result = value
    if stored_name != name or stored_text != text or not isinstance(result, kind):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept longest
    return result


def remembered(
    kb_key: str,
    name: str,
    args: tuple[object, ...],
    compute: Callable[[], R],
    kind: type[R],
    modules: tuple[str, ...],
) -> R:
    """``compute()``, the result of ``name`` on ``args`` under the knowledge base whose
    cache key is ``kb_key``: read from disk when stored, else computed and stored.
    ``kind`` is the result's class (anything else read is ignored); ``modules`` are the
    modules whose code computes it (see the module docstring). Computed and not stored
    when ``kb_key`` is empty or the cache is off."""
    if not kb_key or not enabled():
        return compute()
    try:
        stamp = _code_stamp(modules)
        folder = private_subdir(SUBDIR)
    except (LookupError, ImportError, ValueError, OSError):
        return compute()
    if folder is None:
        return compute()
    text = repr(args)
    path = _path(folder, kb_key, name, stamp, text)
    found = _lookup(path, name, text, kind)
    if found is not None:
        return found
    value = compute()
    write_pickle(path, (name, text, value))
    with contextlib.suppress(OSError):
        prune(folder)
    return value
