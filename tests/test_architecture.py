"""The shape of the code (issue 13): one-way imports, small functions and modules, package
faces that say what they export.

Layers, lowest first; a module imports only from its own layer or below:

    domain (and errors, executors, cache_folder)  <-  knowledge  <-  engines  <-  assess
        <-  outputs / CLI

An engine never imports another engine's modules (shared state goes through ClinicalFacts,
built by ``history`` and handed over by ``assess``); only a package face
(``gistcds.<engine>``) of another engine is allowed, and no engine uses one today.

Engines read the patient record only where the clinical state is made: ``history`` builds
ClinicalFacts from the record and from the results of ``genomics``, ``risk`` and
``response``, which read the record themselves (their results exist before the facts do).
Every other engine (therapy, trials, toxicity, followup, prognosis) takes ClinicalFacts and
other engines' results handed over by ``assess``, and never imports the record's models
(``domain.patient``, ``domain.toxicity_input``).

Every existing exception is listed below with its owner; each list must only shrink: an
entry that no longer applies fails the test too, so the fix also removes the entry.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "gistcds"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 400

LAYERS: dict[str, int] = {
    "domain": 0,
    "errors": 0,
    "executors": 0,
    "cache_folder": 0,
    "knowledge": 1,
    "genomics": 2,
    "risk": 2,
    "response": 2,
    "history": 2,
    "therapy": 2,
    "toxicity": 2,
    "prognosis": 2,
    "followup": 2,
    "trials": 2,
    "assess": 3,
}
RECORD_READERS = frozenset({"history", "genomics", "risk", "response"})
RECORD_MODULES = ("gistcds.domain.patient", "gistcds.domain.toxicity_input")
OUTPUT_LAYER = 4  # cli, cli_*, report, leaflet, io, cohort, api, store, fhir, __main__ ...
ENGINE_LAYER = 2

# Oversized functions and modules outside the renovation's area (issue 13 item 5); their
# owners split them and remove the entry.
LONG_FUNCTIONS: set[str] = set()
LONG_MODULES: set[str] = set()
# Imports against the layering, as (importing module, imported module).
IMPORT_EXCEPTIONS: set[tuple[str, str]] = set()


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        yield name, path


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:  # the package face: the version, and the Python API (lazily)
        return OUTPUT_LAYER
    return LAYERS.get(parts[1], OUTPUT_LAYER)


def _imports(path: Path) -> Iterator[str]:
    """Every gistcds module imported anywhere in the file (lazy and TYPE_CHECKING ones
    too: they are dependencies all the same)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "gistcds":
                yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "gistcds")


def _edges() -> Iterator[tuple[str, str]]:
    for module, path in _modules():
        for target in _imports(path):
            yield module, target


def _violations(edges: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for module, target in edges:
        mine, theirs = module.split("."), target.split(".")
        if len(theirs) == 1:
            continue  # gistcds.__version__
        if _layer(target) > _layer(module):
            found.add((module, target))
        elif (
            _layer(module) == ENGINE_LAYER
            and _layer(target) == ENGINE_LAYER
            and theirs[1] != mine[1]
            and len(theirs) > 2
        ):
            found.add((module, target))  # another engine's internals
    return found


def test_imports_go_one_way() -> None:
    found = _violations(_edges())
    new = sorted(found - IMPORT_EXCEPTIONS)
    assert new == [], f"imports against the layering (see the module docstring): {new}"
    stale = sorted(IMPORT_EXCEPTIONS - found)
    assert stale == [], f"fixed: remove from IMPORT_EXCEPTIONS: {stale}"


def test_the_import_check_sees_a_violation() -> None:
    """The check itself, on made-up edges: an engine reaching into another engine's
    module, knowledge importing an engine and domain importing knowledge are caught; an
    engine's own modules, the domain and assess importing engines are not."""
    edges = [
        ("gistcds.therapy.engine", "gistcds.risk.tables"),
        ("gistcds.knowledge.references", "gistcds.therapy"),
        ("gistcds.domain.facts", "gistcds.knowledge"),
        ("gistcds.therapy.engine", "gistcds.therapy.render"),
        ("gistcds.therapy.engine", "gistcds.domain.facts"),
        ("gistcds.assess", "gistcds.therapy.engine"),
        ("gistcds.report.model", "gistcds.knowledge"),
    ]
    assert _violations(edges) == set(edges[:3])


def _named_imports(path: Path) -> Iterator[str]:
    """Every gistcds module imported, ``from gistcds.domain import patient`` included (as
    ``gistcds.domain.patient``)."""
    yield from _imports(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "gistcds"
        ):
            yield from (f"{node.module}.{a.name}" for a in node.names)


def _record_reads(edges: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Engines other than the record readers importing a model of the patient record."""
    return {
        (module, target)
        for module, target in edges
        if _layer(module) == ENGINE_LAYER
        and module.split(".")[1] not in RECORD_READERS
        and any(target == r or target.startswith(f"{r}.") for r in RECORD_MODULES)
    }


def test_engines_read_facts_not_the_record() -> None:
    edges = ((m, t) for m, path in _modules() for t in _named_imports(path))
    found = sorted(_record_reads(edges))
    assert found == [], f"engines importing the patient record (read ClinicalFacts): {found}"


def test_the_record_check_sees_a_violation() -> None:
    """On made-up edges: prognosis or toxicity importing the record's models (however
    written) is caught; history, the record-reading engines, an engine importing the facts
    and assess importing the record are not."""
    edges = [
        ("gistcds.prognosis.factors", "gistcds.domain.patient"),
        ("gistcds.toxicity.engine", "gistcds.domain.toxicity_input"),
        ("gistcds.followup.plan", "gistcds.domain.patient.Patient"),
        ("gistcds.history.read", "gistcds.domain.patient"),
        ("gistcds.risk.inputs", "gistcds.domain.patient"),
        ("gistcds.prognosis.engine", "gistcds.domain.facts"),
        ("gistcds.therapy.engine", "gistcds.domain.patients_like_me"),
        ("gistcds.assess", "gistcds.domain.patient"),
    ]
    assert _record_reads(edges) == set(edges[:3])


def _report_record_reads(edges: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Modules of ``report/`` importing a model of the patient record."""
    return {
        (module, target)
        for module, target in edges
        if module.startswith("gistcds.report.")
        and any(target == r or target.startswith(f"{r}.") for r in RECORD_MODULES)
    }


def test_the_report_never_reads_the_patient_record() -> None:
    """The report renders the assessment only (issue 13 item 3): what it shows of the
    record comes with the assessment (``Assessment.record``), so nothing under ``report/``
    imports the record's models, not even for a type hint."""
    modules = list(_modules())
    assert any(m.startswith("gistcds.report.") for m, _ in modules)  # the check sees report/
    edges = ((m, t) for m, path in modules for t in _named_imports(path))
    found = sorted(_report_record_reads(edges))
    assert found == [], f"report modules importing the patient record: {found}"


def test_the_report_check_sees_a_violation() -> None:
    """On made-up edges: a report module importing the record's models (however written)
    is caught; one importing the assessment (which carries the record summary), and the
    CLI or the service importing the record, are not."""
    edges = [
        ("gistcds.report.model", "gistcds.domain.patient"),
        ("gistcds.report.build_findings", "gistcds.domain.patient.Patient"),
        ("gistcds.report.plots.timeline", "gistcds.domain.toxicity_input"),
        ("gistcds.report.model", "gistcds.domain.assessment"),
        ("gistcds.report.model", "gistcds.domain.results.record"),
        ("gistcds.cli_assess", "gistcds.domain.patient"),
        ("gistcds.api.service", "gistcds.domain.patient"),
    ]
    assert _report_record_reads(edges) == set(edges[:3])


def _long_functions() -> Iterator[tuple[str, int]]:
    for _, path in _modules():
        rel = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    yield f"{rel}:{node.name}", length


def test_no_function_over_80_lines() -> None:
    found = dict(_long_functions())
    new = {k: v for k, v in found.items() if k not in LONG_FUNCTIONS}
    assert new == {}, f"functions over {MAX_FUNCTION_LINES} lines: {new}"
    stale = sorted(LONG_FUNCTIONS - set(found))
    assert stale == [], f"now short enough: remove from LONG_FUNCTIONS: {stale}"


def test_no_module_over_400_lines() -> None:
    found = {
        path.relative_to(SRC).as_posix(): n
        for _, path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    new = {k: v for k, v in found.items() if k not in LONG_MODULES}
    assert new == {}, f"modules over {MAX_MODULE_LINES} lines: {new}"
    stale = sorted(LONG_MODULES - set(found))
    assert stale == [], f"now short enough: remove from LONG_MODULES: {stale}"


@pytest.mark.parametrize(
    "face",
    sorted(p.relative_to(SRC).as_posix() for p in PACKAGE.rglob("__init__.py")),
)
def test_every_package_face_declares_all(face: str) -> None:
    tree = ast.parse((SRC / face).read_text(encoding="utf-8"))
    declared = [
        n
        for n in tree.body
        if isinstance(n, ast.Assign | ast.AnnAssign)
        and any(
            isinstance(t, ast.Name) and t.id == "__all__"
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
        )
    ]
    assert declared, f"{face}: no __all__"
