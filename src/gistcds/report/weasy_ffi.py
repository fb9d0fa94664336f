"""WeasyPrint's C declarations kept as cffi's compiled type tables (issue 19 item 12).

WeasyPrint declares the Pango, HarfBuzz and fontconfig functions it calls as C source
(``weasyprint/text/ffi.py``, an in-line ``cffi.FFI``). cffi parses that source with
pycparser at every import, and then again, with every declared type name as a preamble,
for each C type WeasyPrint names at run time (``ffi.new('PangoRectangle *')``, about
3 ms each, a dozen in a first PDF): with pycparser's own import about 75 ms of a cold
PDF command, a tenth of its PDF side.

cffi's out-of-line ABI mode holds the same declarations as compact type tables its C
code reads directly (no pycparser at all). The first import of WeasyPrint records the
declarations it gives ``cdef`` and stores the tables cffi makes of them
(``cffi.recompiler.make_py_source``, the code behind ``FFI.emit_python_code``) in
gistcds's private cache, as data: bytes, strings, numbers and tuples, read back with
``marshal`` (nothing in the file is executed). Later imports give WeasyPrint an ``ffi``
built from those tables; it opens the same libraries (``ffi.dlopen``) and calls the same
functions with the same types. The tables are keyed by cffi's and WeasyPrint's versions
and the declaration file; WeasyPrint's ``cdef`` text is also checked against the one
they were made from: a mismatch deletes them, and it or any error makes the caller import
WeasyPrint the usual way (``report/weasy_import.py``). tests/test_report_weasy_import.py
compares the PDF made both ways.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["PrecompiledMismatch", "declarations"]

_MODULE = "weasyprint.text.ffi"  # the module whose ``cffi.FFI()`` this replaces
_NAME = "_gistcds_weasyprint_ffi"
_FORMAT = 1  # of the stored file


class PrecompiledMismatch(RuntimeError):
    """WeasyPrint declared something else than the stored tables hold."""


def _tables_path() -> Path | None:
    """The stored tables' file for this cffi, WeasyPrint and declaration file, or None
    when there is no private cache (or no WeasyPrint)."""
    import importlib.util

    import cffi

    from gistcds.cache_folder import private_subdir

    spec = importlib.util.find_spec("weasyprint")
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(next(iter(spec.submodule_search_locations))) / "text" / "ffi.py"
    try:
        st = source.stat()
    except OSError:
        return None
    folder = private_subdir("weasyprint-ffi")
    if folder is None:
        return None
    key = f"{_FORMAT}|{cffi.__version__}|{sys.version}|{source}|{st.st_size}|{st.st_mtime_ns}"
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.marshal"


def _digest(cdef: str) -> str:
    return hashlib.sha256(cdef.encode("utf-8")).hexdigest()


def _read(path: Path) -> tuple[str, dict[str, Any], str] | None:
    """(module name, FFI keyword arguments, digest of the cdef) or None."""
    import marshal

    try:
        name, kwargs, digest = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(name, str) and isinstance(kwargs, dict) and isinstance(digest, str)):
        return None
    return name, kwargs, digest


def make_tables(cdef: str) -> dict[str, Any] | None:
    """The keyword arguments of cffi's out-of-line ``FFI`` for ``cdef``, as cffi writes
    them; None if what cffi writes is not one plain constructor call of literals."""
    import ast
    import io

    import cffi
    from cffi.recompiler import make_py_source

    builder = cffi.FFI()
    builder.cdef(cdef)
    out = io.StringIO()
    make_py_source(builder, _NAME, out)
    try:
        body = ast.parse(out.getvalue()).body
        call = body[-1].value  # type: ignore[attr-defined]
        if not (isinstance(call, ast.Call) and [ast.literal_eval(a) for a in call.args] == [_NAME]):
            return None
        return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg}
    except (SyntaxError, ValueError, AttributeError, IndexError):
        return None


def _store(path: Path, cdef: str) -> None:
    import marshal
    import os
    import tempfile

    kwargs = make_tables(cdef)
    if kwargs is None:
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps((_NAME, kwargs, _digest(cdef))))
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _precompiled_class(digest: str) -> type:
    import _cffi_backend

    class Precompiled(_cffi_backend.FFI):  # type: ignore[misc]
        """The stored tables; ``cdef`` only checks that they are WeasyPrint's."""

        def cdef(self, csource: str, *args: Any, **kwargs: Any) -> None:
            if _digest(csource) != digest:
                raise PrecompiledMismatch("WeasyPrint's C declarations changed")

    return Precompiled


def _called_from_weasyprint() -> bool:
    return sys._getframe(2).f_globals.get("__name__") == _MODULE


@contextlib.contextmanager
def declarations() -> Iterator[None]:
    """Around WeasyPrint's first import: its ``ffi`` comes from the stored tables when
    there are any, and the tables are stored when there are none. May raise
    :class:`PrecompiledMismatch` from inside the import (the caller imports again)."""
    import cffi

    path = _tables_path()
    if path is None:
        yield
        return
    stored = _read(path)
    original = cffi.FFI
    recorded: list[str] = []
    if stored is not None:
        name, kwargs, digest = stored
        precompiled = _precompiled_class(digest)

        def factory(*args: Any, **kw: Any) -> Any:
            if args or kw or not _called_from_weasyprint():
                return original(*args, **kw)
            return precompiled(name, **kwargs)

    else:

        class Recording(original):  # type: ignore[misc,valid-type]
            def cdef(self, csource: str, *args: Any, **kw: Any) -> None:
                recorded.append(csource)
                super().cdef(csource, *args, **kw)

        def factory(*args: Any, **kw: Any) -> Any:
            if args or kw or not _called_from_weasyprint():
                return original(*args, **kw)
            return Recording()

    cffi.FFI = factory
    try:
        yield
    except PrecompiledMismatch:
        path.unlink(missing_ok=True)  # the next import stores WeasyPrint's declarations
        raise
    finally:
        cffi.FFI = original
    if stored is None and len(recorded) == 1:
        _store(path, recorded[0])
