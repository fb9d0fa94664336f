"""The gistcds command through a subprocess: exit codes, stdout, stderr lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, SHARED_CASES

GISTCDS = str(Path(sys.executable).parent / "gistcds")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GISTCDS, *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_commands_and_disclaimer() -> None:
    p = run("--help")
    assert p.returncode == 0
    assert "not a medical device" in p.stdout
    for name in ("assess", "kb", "schema"):
        assert f"│ {name} " in p.stdout


def test_fast_help_matches_the_registered_commands() -> None:
    """The typer-free --help must list exactly what the typer app registers."""
    from gistcds.cli import COMMANDS, build_app

    app = build_app()
    registered = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert registered == set(COMMANDS)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_assess_every_example_json(path: Path) -> None:
    p = run("assess", str(path), "--format", "json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["schema_version"] == "1"
    assert doc["patient_id"] == json.loads(path.read_text())["id"]
    assert doc["knowledge_base_version"]
    for key in (
        "risk",
        "genotype",
        "recommendations",
        "cautions",
        "response",
        "prognosis",
        "followup",
    ):
        assert key in doc


def test_assess_text_default() -> None:
    p = run("assess", str(EXAMPLES / "metastatic-kit11-untreated.json"))
    assert p.returncode == 0, p.stderr
    assert "demo-kit11-untreated" in p.stdout
    assert "not a medical device" in p.stdout


def test_assess_from_stdin() -> None:
    data = (EXAMPLES / "sdh-deficient.json").read_bytes()
    p = run("assess", "-", "--format", "json", stdin=data)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["patient_id"] == "demo-sdh-deficient"


def test_invalid_value_exit_2_one_line_per_problem(tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "metastatic-kit11-untreated.json").read_text())
    doc["primary"]["size_cm"] = -3
    doc["ecog"] = 7
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    p = run("assess", str(f))
    assert p.returncode == 2
    assert p.stdout == ""
    assert sorted(p.stderr.splitlines()) == [
        "ecog: must be <= 4, got 7",
        "primary.size_cm: must be > 0, got -3",
    ]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty input"),
        (b"   \n", "empty input"),
        (b"{", "malformed JSON at line 1"),
        (b"[1, 2]", "expected a JSON object for the patient, got list"),
        (b'"text"', "expected a JSON object for the patient, got str"),
        (b"null", "expected a JSON object for the patient, got null"),
        (b'{"id": NaN}', "NaN is not a valid JSON number"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b'{"id": 5}', "id: must be a string, got 5"),
    ],
)
def test_malformed_input_exit_2(tmp_path: Path, content: bytes, fragment: str) -> None:
    f = tmp_path / "in.json"
    f.write_bytes(content)
    p = run("assess", str(f))
    assert p.returncode == 2, p.stderr
    assert fragment in p.stderr
    assert "Traceback" not in p.stderr


def test_huge_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "huge.json"
    f.write_text('{"id": "x", "comedications": [' + ", ".join(['"a"'] * 1_200_000) + "]}")
    assert f.stat().st_size > 5 * 1024 * 1024
    p = run("assess", str(f))
    assert p.returncode == 2
    assert "larger than 5 MB" in p.stderr


def test_missing_file_exit_2() -> None:
    p = run("assess", "/nonexistent/patient.json")
    assert p.returncode == 2
    assert "no such file" in p.stderr


def test_kb_check_and_sources() -> None:
    p = run("kb", "check")
    assert p.returncode == 0, p.stderr
    assert "ok" in p.stdout
    p = run("kb", "sources")
    assert p.returncode == 0
    assert "PMID" in p.stdout or "doi:" in p.stdout


def test_schema_patient_matches_committed_doc() -> None:
    p = run("schema", "patient")
    assert p.returncode == 0
    committed = json.loads((ROOT / "docs" / "patient.schema.json").read_text())
    assert json.loads(p.stdout) == committed, (
        "run: gistcds schema patient > docs/patient.schema.json"
    )


@pytest.mark.skipif(not SHARED_CASES.is_dir(), reason="../shared not present")
def test_every_shared_case_assesses_or_is_refused(tmp_path: Path) -> None:
    for case_file in sorted(SHARED_CASES.glob("*.json")):
        case = json.loads(case_file.read_text())
        f = tmp_path / case_file.name
        f.write_text(json.dumps(case["patient"]))
        p = run("assess", str(f), "--format", "json")
        wants_exit = [e["code"] for e in case["expect"] if e["op"] == "exit"]
        expected = wants_exit[0] if wants_exit else 0
        assert p.returncode == expected, (case_file.name, p.stderr)
        if expected == 2:
            assert "primary.size_cm" in p.stderr
