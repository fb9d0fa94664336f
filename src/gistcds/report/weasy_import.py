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

The same import also:

- builds WeasyPrint's C declarations from cffi's stored type tables instead of parsing
  them (``report/weasy_ffi.py``);
- defers two fontTools modules WeasyPrint imports for fonts a report never embeds:
  ``fontTools.subset`` (its fallback when HarfBuzz cannot subset a font) and
  ``fontTools.varLib.instancer`` (variable fonts), with their dependencies about 50 ms,
  a sixteenth of a cold PDF command. During the import they are placeholders; the names
  WeasyPrint binds to them (``weasyprint.pdf.fonts.subset`` and
  ``instantiateVariableFont``) import the real module on their first use, and once the
  import is over ``sys.modules`` holds no placeholder, so any other importer gets the
  real modules.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import io
import sys
import threading
import types
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


# module -> the names WeasyPrint imports from it (``from module import name``)
_DEFERRED = {"fontTools.subset": (), "fontTools.varLib.instancer": ("instantiateVariableFont",)}


class _Deferred(types.ModuleType):
    """Stands for a module until its first use: an attribute read imports the real module
    (and answers from it), and each name in ``names`` is a function that does the same
    when called. While the placeholder itself is in ``sys.modules``, reading another
    name fails (the import then falls back to the usual one)."""

    def __init__(self, name: str, names: tuple[str, ...]) -> None:
        super().__init__(name)
        for attr in names:
            setattr(self, attr, self._forward(attr))

    def _forward(self, attr: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(self._real(), attr)(*args, **kwargs)

        call.__name__ = call.__qualname__ = attr
        return call

    def _real(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            raise AttributeError(f"{self.__name__} is not imported yet")
        return importlib.import_module(self.__name__)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self._real(), attr)


@contextlib.contextmanager
def _deferred_modules() -> Iterator[None]:
    placed = {}
    for name, names in _DEFERRED.items():
        if name not in sys.modules:
            placed[name] = sys.modules[name] = _Deferred(name, names)
    try:
        yield
    finally:
        for name, placeholder in placed.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]


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
            from gistcds.report.weasy_ffi import declarations

            try:
                # WeasyPrint prints its installation help before re-raising; that text
                # belongs to the usual import below, not to this attempt.
                with (
                    _no_library_search(),
                    contextlib.redirect_stdout(io.StringIO()),
                    declarations(),
                    _deferred_modules(),
                ):
                    import weasyprint
                return weasyprint
            except Exception:  # the usual import below gives WeasyPrint's own error
                _forget_weasyprint()
        import weasyprint

        return weasyprint
