"""The knowledge-base loader and `gistcds kb check` on the shipped and on broken KBs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gistcds.errors import KnowledgeBaseError
from gistcds.knowledge import KB_DIR, build_kb, load_kb

GISTCDS = str(Path(sys.executable).parent / "gistcds")


def copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "schema"))
    return target


def check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GISTCDS, "kb", "check", "--dir", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_shipped_kb_is_valid_and_cached() -> None:
    kb = load_kb()
    assert kb is load_kb()
    assert kb.version.startswith("2026.")
    assert "+" in kb.version
    label_ids = ("dailymed_setid", "ema_product_number", "fda_application", "official_url")
    assert all(
        s.pmid or s.doi or any(getattr(s, k) for k in label_ids) or (s.document_id and s.url)
        for s in kb.sources.values()
    )


def test_every_yaml_file_is_a_known_table() -> None:
    kb = load_kb()
    names = {p.stem for p in KB_DIR.glob("*.yaml")} - {"meta", "sources"}
    assert names == set(kb.tables)


def test_version_changes_with_content(tmp_path: Path) -> None:
    d = copy_kb(tmp_path)
    before = build_kb(d).version
    (d / "meta.yaml").write_text((d / "meta.yaml").read_text() + "\n# edited\n")
    assert build_kb(d).version != before


def append_source(d: Path, text: str) -> None:
    (d / "sources.yaml").write_text((d / "sources.yaml").read_text() + text)


def test_source_without_identifier_fails(tmp_path: Path) -> None:
    d = copy_kb(tmp_path)
    append_source(d, "  - {id: nobody2020, authors: A, title: T, journal: J, year: 2020}\n")
    p = check(d)
    assert p.returncode == 1
    assert "needs a pmid or a doi" in p.stderr


def test_label_identifiers_are_checked_by_kind(tmp_path: Path) -> None:
    d = copy_kb(tmp_path)
    append_source(
        d,
        "  - {id: label-x, authors: A, title: T, journal: J, year: 2020, "
        "dailymed_setid: 211ef2da-2868-4a77-8055-1cb2cd78e24c}\n"
        "  - {id: label-y, authors: A, title: T, journal: J, year: 2020, "
        "dailymed_setid: not-a-set-id}\n"
        "  - {id: label-z, authors: A, title: T, journal: J, year: 2020, "
        "ema_product_number: EMEA/H/C/406}\n",
    )
    p = check(d)
    assert p.returncode == 1
    bad = [line for line in p.stderr.splitlines() if line.startswith("sources.yaml")]
    assert len(bad) == 2, p.stderr  # the well-formed set id passes
    assert "dailymed_setid" in bad[0] and "ema_product_number" in bad[1]


def test_duplicate_source_id_fails(tmp_path: Path) -> None:
    d = copy_kb(tmp_path)
    first = build_kb(d).sources
    sid = next(iter(first))
    append_source(
        d, f'  - {{id: {sid}, authors: A, title: T, journal: J, year: 2020, pmid: "1"}}\n'
    )
    p = check(d)
    assert p.returncode == 1
    assert f"duplicate source id {sid!r}" in p.stderr


def test_same_pmid_under_two_ids_fails(tmp_path: Path) -> None:
    d = copy_kb(tmp_path)
    src = next(s for s in build_kb(d).sources.values() if s.pmid)
    append_source(
        d,
        "  - {id: again2020, authors: A, title: T, journal: J, year: 2020, "
        f'pmid: "{src.pmid}"}}\n',
    )
    p = check(d)
    assert p.returncode == 1
    assert "are the same work" in p.stderr


def test_yaml_without_schema_fails(tmp_path: Path) -> None:
    d = copy_kb(tmp_path)
    (d / "mystery.yaml").write_text("facts: []\n")
    with pytest.raises(KnowledgeBaseError, match=r"mystery.yaml: no schema"):
        build_kb(d)


def test_malformed_yaml_fails(tmp_path: Path) -> None:
    d = copy_kb(tmp_path)
    (d / "sources.yaml").write_text("sources: [\n")
    p = check(d)
    assert p.returncode == 1
    assert "not valid YAML" in p.stderr


def test_dangling_and_missing_citations_fail(tmp_path: Path) -> None:
    """A table entry citing an unknown id, and one citing nothing, are both refused."""
    kb = load_kb()
    if not kb.tables:
        pytest.skip("no tables yet")
    d = copy_kb(tmp_path)
    name = sorted(kb.tables)[0]
    path = d / f"{name}.yaml"
    text = path.read_text()
    first = re.search(r"source_ids: \[[^\]]*\]", text)  # block or flow style around it
    assert first is not None
    dangling = text[: first.start()] + "source_ids: [no_such_source_1999]" + text[first.end() :]
    path.write_text(dangling)
    with pytest.raises(KnowledgeBaseError, match="no_such_source_1999"):
        build_kb(d)
    empty = text[: first.start()] + "source_ids: []" + text[first.end() :]
    path.write_text(empty)
    with pytest.raises(KnowledgeBaseError, match="source_ids"):
        build_kb(d)
