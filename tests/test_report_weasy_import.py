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
