"""WeasyPrint imported without its library search (report/weasy_import.py): the same
libraries load as with the usual import, and a failed quick import falls back silently."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the quick path is Linux-only")

_LIBS = ("gobject", "pango", "harfbuzz", "fontconfig")

_LOADED = """
import json
{setup}
print(json.dumps(sorted({{line.split()[-1] for line in open("/proc/self/maps")
                         if any(k in line for k in {libs!r}) and ".so" in line}})))
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _loaded(setup: str) -> list[str]:
    done = _run(_LOADED.format(setup=setup, libs=_LIBS))
    assert done.returncode == 0, done.stderr
    libraries: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return libraries


def test_the_quick_import_loads_the_same_libraries_as_the_usual_one() -> None:
    usual = _loaded("import weasyprint")
    quick = _loaded(
        "from gistcds.report.weasy_import import import_weasyprint\nimport_weasyprint()"
    )
    assert usual and quick == usual
    assert any("pango" in path for path in quick)


def test_a_failed_quick_import_falls_back_to_the_usual_one_and_prints_nothing() -> None:
    """A system where only the library search finds Pango: the first attempt fails (here
    made to fail once), the usual import follows, and standard output stays clean."""
    done = _run(
        """
        import ctypes.util, sys
        import importlib.abc

        class FailOnce(importlib.abc.MetaPathFinder):
            failed = False
            def find_spec(self, name, path=None, target=None):
                if name == "weasyprint.text.ffi" and not FailOnce.failed:
                    FailOnce.failed = True
                    print("WeasyPrint could not import some external libraries")
                    raise OSError("simulated: no library by its file name")
                return None

        sys.meta_path.insert(0, FailOnce())
        original = ctypes.util.find_library
        from gistcds.report.weasy_import import import_weasyprint
        weasyprint = import_weasyprint()
        assert FailOnce.failed and hasattr(weasyprint, "HTML")
        assert ctypes.util.find_library is original
        sys.stderr.write("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr.endswith("ok")


def test_a_second_call_returns_the_module_already_imported() -> None:
    from gistcds.report.weasy_import import import_weasyprint

    assert import_weasyprint() is import_weasyprint() is sys.modules["weasyprint"]


_RENDER = """
import hashlib, sys
from gistcds.report.weasy_import import import_weasyprint
from gistcds.report.pdf import html_to_pdf
weasyprint = import_weasyprint()
import weasyprint.text.ffi as ffi_module
html = ("<html xmlns='http://www.w3.org/1999/xhtml'><body><h1>Risk</h1>"
        "<p>KIT exon 11 \\u00d710\\u2079/L <a href='#r1'>[1]</a></p><ol><li id='r1'>ref</li></ol>"
        "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='50'>"
        "<text x='5' y='20'>median PFS</text></svg></body></html>")
pdf = html_to_pdf(html)
print(type(ffi_module.ffi).__name__, "pycparser" in sys.modules, hashlib.sha256(pdf).hexdigest())
"""


def _render_in(cache: str) -> list[str]:
    import os

    done = subprocess.run(
        [sys.executable, "-c", _RENDER],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "GISTCDS_CACHE_DIR": cache},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_weasyprints_declarations_come_from_stored_tables_and_give_the_same_pdf(
    tmp_path: object,
) -> None:
    """The first process parses WeasyPrint's C declarations (pycparser) and stores cffi's
    tables; the next builds WeasyPrint's ffi from them, never imports pycparser, even
    while rendering, and writes the same PDF byte for byte."""
    from pathlib import Path

    cache = str(tmp_path)
    first = _render_in(cache)
    tables = list((Path(cache) / "weasyprint-ffi").glob("*.marshal"))
    second = _render_in(cache)
    assert first[:2] == ["Recording", "True"] and len(tables) == 1
    assert second[:2] == ["Precompiled", "False"]
    assert second[2] == first[2]


def test_stored_tables_that_do_not_match_weasyprints_declarations_are_not_used(
    tmp_path: object,
) -> None:
    import marshal
    from pathlib import Path

    cache = str(tmp_path)
    _render_in(cache)
    (path,) = (Path(cache) / "weasyprint-ffi").glob("*.marshal")
    name, kwargs, _digest = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps((name, kwargs, "0" * 64)))
    kind, _, pdf_hash = _render_in(cache)
    assert kind == "FFI"  # the usual import, after the mismatch raised inside the quick one
    assert not path.exists()  # and the tables that did not match are gone
    assert _render_in(cache)[::2] == ["Recording", pdf_hash]  # stored again
    assert _render_in(cache)[::2] == ["Precompiled", pdf_hash]
    path.write_bytes(b"not marshal data")
    assert _render_in(cache)[::2] == ["Recording", pdf_hash]  # unreadable: stored again


def test_deferred_font_tools_modules_load_on_first_use_and_leave_no_placeholder() -> None:
    done = _run(
        """
        import sys
        from gistcds.report.weasy_import import import_weasyprint
        import_weasyprint()
        import weasyprint.pdf.fonts as fonts
        deferred = ("fontTools.subset", "fontTools.varLib.instancer")
        assert not any(name in sys.modules for name in deferred), "loaded at import"
        from fontTools.subset import Subsetter  # another importer gets the real module
        assert fonts.subset.Subsetter is Subsetter and fonts.subset.Options is not None
        try:
            fonts.instantiateVariableFont(None, {})
        except Exception:
            pass
        from fontTools.varLib import instancer
        assert type(sys.modules["fontTools.varLib.instancer"]).__name__ == "module"
        assert instancer.instantiateVariableFont.__module__ == "fontTools.varLib.instancer"
        sys.stderr.write("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith("ok")
