"""gistcds's private cache folder: where it is, whether it is on and safe to use.

Its own module, importing only the standard library, so that a process that needs the
folder before (or without) the knowledge base, such as the PDF worker that loads
WeasyPrint while the patient is assessed (``report/pdf_worker.py``), does not import
pydantic and the knowledge package to find it. ``gistcds.knowledge.cache`` (the
precompiled knowledge base) uses and re-exports these functions; its docstring describes
the folder and the switches.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["cache_dir", "enabled", "private_dir", "private_subdir"]


def enabled() -> bool:
    """False when ``GISTCDS_KB_CACHE`` says off."""
    value = os.environ.get("GISTCDS_KB_CACHE", "1").strip().lower()
    return value not in ("0", "off", "false", "no")


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    chosen = os.environ.get("GISTCDS_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gistcds"


def private_dir(create: bool) -> Path | None:
    """The cache folder if it is safe to use: ours, not writable by others."""
    folder = cache_dir()
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return None
    return folder


def private_subdir(name: str) -> Path | None:
    """A private subfolder of the cache for other compiled artefacts (e.g. ``jinja2``), or
    None when the cache is off or its folder is not safe to use."""
    if not enabled() or private_dir(create=True) is None:
        return None
    folder = cache_dir() / name
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    st = folder.stat()
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or (
        hasattr(os, "getuid") and st.st_uid != os.getuid()
    ):
        return None
    return folder
