"""The precompiled knowledge base: validated once, then loaded from a pickle.

Reading the YAML files and validating them (pydantic, citations, cross-references)
costs about half a second a process; the result is a pure function of

- the YAML files (their names and contents; the same digest as the KB version),
- the code that defines the tables (``gistcds.knowledge`` and ``gistcds.domain``,
  identified by each source file's path, size and modification time),
- the versions of gistcds, pydantic, pydantic-core and Python, and the folder.

A process that finds a pickle under that key loads it instead (tens of
milliseconds); any other process builds the knowledge base as before and writes the
pickle for the next one. Values derived from the tables (compiled indexes, parsed
aliases) may be stored alongside under the same key with :func:`derived`.

Safety: the cache lives in a private folder (mode 0700, owned by the user; a folder
that is not is ignored), files are written to a temporary name and renamed, so a
reader sees a whole file or none; a file that cannot be read or unpickled, or holds
the wrong thing, is ignored and rebuilt. Only the newest ``KEEP`` knowledge bases
are kept.

- ``GISTCDS_KB_CACHE=0`` (or ``off``/``false``/``no``) disables it: every process
  validates the YAML files again.
- ``GISTCDS_CACHE_DIR`` chooses the folder; otherwise ``$XDG_CACHE_HOME/gistcds``
  or ``~/.cache/gistcds``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gistcds.cache_folder import cache_dir, enabled, private_subdir
from gistcds.cache_folder import private_dir as _private_dir

if TYPE_CHECKING:
    from gistcds.knowledge import KnowledgeBase

__all__ = [
    "KEEP",
    "cache_dir",
    "cache_key",
    "derived",
    "enabled",
    "load_or_build",
    "private_subdir",
    "read_pickle",
    "write_pickle",
]

KEEP = 8
_PACKAGE = Path(__file__).resolve().parent.parent  # src/gistcds
_CODE = ("knowledge", "domain")  # the packages whose classes a pickled KB holds
_FORMAT = "1"
R = TypeVar("R")


def yaml_digest(directory: Path) -> str:
    """sha256 over the names and contents of the folder's YAML files, sorted by name."""
    digest = hashlib.sha256()
    # os.listdir, not Path.glob: the glob's pattern compiling and Path objects cost several
    # times the reading at every start (benchmarks/bench_startup.py)
    for name in sorted(n for n in os.listdir(directory) if n.endswith(".yaml")):
        digest.update(name.encode())
        with open(os.path.join(directory, name), "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()


def _python_files(top: str) -> list[tuple[str, os.stat_result]]:
    """(path, stat) of every ``.py`` file under ``top`` (``__pycache__`` aside)."""
    found = []
    with os.scandir(top) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    found += _python_files(entry.path)
            elif entry.name.endswith(".py"):
                found.append((entry.path, entry.stat()))
    return found


def _code_signature() -> str:
    """Each source file of the pickled classes' packages: path, size, mtime (os.scandir, not
    Path.rglob, which costs about ten times as much at every start)."""
    digest = hashlib.sha256()
    root = str(_PACKAGE) + os.sep
    for package in _CODE:
        for path, st in sorted(_python_files(os.path.join(_PACKAGE, package))):
            digest.update(f"{path.removeprefix(root)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _versions() -> str:
    import pydantic
    import pydantic_core

    from gistcds import __version__

    return "|".join(
        (__version__, pydantic.VERSION, pydantic_core.__version__, sys.version, sys.platform)
    )


def _file_stamp(file: str) -> str:
    st = os.stat(file)
    return f"{file}:{st.st_size}:{st.st_mtime_ns}"


def cache_key(directory: Path, content: str | None = None) -> str:
    """The key of ``directory``'s knowledge base: content, code, versions, folder."""
    parts = [
        _FORMAT,
        content or yaml_digest(directory),
        _code_signature(),
        _versions(),
        str(directory.resolve()),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def read_pickle(path: Path) -> Any:
    """The object pickled in ``path``, or None for a missing, partial or unreadable file
    (the caller checks its type: a cache entry is never trusted to hold the right thing)."""
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, truncated, corrupt, or classes changed: rebuild
        return None


def write_pickle(path: Path, value: Any) -> None:
    """Pickle ``value`` to ``path`` atomically (a temporary file in the same folder, then
    renamed), so a reader sees the whole file or none; any failure (an unpicklable value,
    a full disk, a read-only folder) leaves no file and raises nothing."""
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # unpicklable value, disk full, read-only: no cache, no error
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _prune(folder: Path, keep: str) -> None:
    """Keep the newest KEEP knowledge bases (and their derived values)."""
    try:
        kbs = sorted(folder.glob("kb-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        old = {p.name[3:-7] for p in kbs[KEEP:]} - {keep}
        for path in folder.glob("*.pickle"):
            if path.name.split("-")[1].split(".")[0] in old:
                path.unlink(missing_ok=True)
    except (OSError, IndexError):
        pass


def load_or_build(
    directory: Path, build: Callable[[Path], KnowledgeBase], content: str | None = None
) -> KnowledgeBase:
    """The knowledge base of ``directory``: from the cache, else ``build`` it and cache it."""
    from gistcds.knowledge import KnowledgeBase

    if not enabled():
        return build(directory)
    try:
        key = cache_key(directory, content)
    except OSError:
        return build(directory)
    folder = _private_dir(create=False)
    if folder is not None:
        kb = read_pickle(folder / f"kb-{key}.pickle")
        if isinstance(kb, KnowledgeBase) and kb.directory == directory:
            return replace(kb, cache_key=key)
    kb = build(directory)  # raises KnowledgeBaseError on a bad KB: nothing is cached
    folder = _private_dir(create=True)
    if folder is not None:
        write_pickle(folder / f"kb-{key}.pickle", kb)
        _prune(folder, key)
    return replace(kb, cache_key=key)


def _code_stamp(modules: tuple[str, ...], packages: tuple[str, ...]) -> str:
    """Path, size and mtime of the (imported) modules' files and of the (not necessarily
    imported: finding them imports nothing) packages' ``__init__`` files, which an upgrade
    rewrites."""
    parts = []
    for name in modules:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file is None:
            raise LookupError(name)
        parts.append(_file_stamp(file))
    for package in packages:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise LookupError(package)
        parts.append(_file_stamp(spec.origin))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def derived(
    kb: KnowledgeBase,
    name: str,
    build: Callable[[KnowledgeBase], R],
    modules: tuple[str, ...] = (),
    packages: tuple[str, ...] = (),
) -> R:
    """``build(kb)``, stored beside ``kb``'s pickle: for pure values derived from the tables
    that cost more to compute than to unpickle. The stored value is keyed by ``kb``'s key,
    ``name`` (letters, digits, ``_`` and ``.``), the files of ``modules`` (the code that
    computes it, besides ``gistcds.knowledge`` and ``gistcds.domain``) and the versions of
    ``packages``. Computed and not stored when the cache is off, or when ``kb`` did not come
    through :func:`load_or_build`."""
    key = kb.cache_key
    if not key or not enabled():
        return build(kb)
    try:
        stamp = _code_stamp((build.__module__, *modules), packages)
    except (LookupError, OSError, ImportError, ValueError):
        return build(kb)
    folder = _private_dir(create=False)
    prefix = f"derived-{key}-{name}-"
    if folder is not None:
        value = read_pickle(folder / f"{prefix}{stamp}.pickle")
        if isinstance(value, tuple) and len(value) == 2 and value[0] == name:
            return value[1]  # type: ignore[no-any-return]
    value = build(kb)
    folder = _private_dir(create=True)
    if folder is not None:
        for old in folder.glob(f"{prefix}*.pickle"):  # the same value from older code
            with contextlib.suppress(OSError):
                old.unlink(missing_ok=True)
        write_pickle(folder / f"{prefix}{stamp}.pickle", (name, value))
    return value
