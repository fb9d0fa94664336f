"""WeasyPrint's first import without its library search (issue 19 item 12).

WeasyPrint loads Pango, HarfBuzz and fontconfig with cffi, trying several spellings of
each name for Linux, macOS and Windows (``libgobject-2.0-0``, ``gobject-2.0``, ...,
``libgobject-2.0.so.0``). cffi answers every spelling it cannot open directly with
``ctypes.util.find_library``, which on Linux starts ``ldconfig``, then ``gcc`` and ``ld``
for each name: 22 searches, about 40 % of the import and an eighth of a cold PDF command
(``benchmarks/bench_startup.py``).

Each list also holds the library's Linux file name (``libgobject-2.0.so.0``), which the
dynamic linker opens directly, from the same search path and cache the slow search
reads. So on Linux the first import runs with the library search answering "not found":
every library then loads by its file name. If that import fails (a system where only the
slow search finds them), it is done again the usual way, and WeasyPrint's own error
message, if any, is the one the user sees.

``ctypes.util.find_library`` is replaced, and standard output set aside, only for the
length of that one import, under a lock; nothing else in gistcds calls the search, and
the service writes its logs to standard error.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["import_weasyprint"]

_lock = threading.Lock()


@contextlib.contextmanager
def _no_library_search() -> Iterator[None]:
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _forget_weasyprint() -> None:
    for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        del sys.modules[name]


def import_weasyprint() -> Any:
    """The ``weasyprint`` module (untyped, hence ``Any``), imported quickly on its first
    use in the process."""
    with _lock:
        module = sys.modules.get("weasyprint")
        if module is not None:
            return module
        if sys.platform == "linux":
            try:
                # WeasyPrint prints its installation help before re-raising; that text
                # belongs to the usual import below, not to this attempt.
                with _no_library_search(), contextlib.redirect_stdout(io.StringIO()):
                    import weasyprint
                return weasyprint
            except OSError:
                _forget_weasyprint()
        import weasyprint

        return weasyprint
