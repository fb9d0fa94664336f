"""The precompiled knowledge base (gistcds.knowledge.cache): a pickle of the validated
tables, used only while the YAML files, the code and the versions are unchanged."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gistcds.knowledge import KB_DIR, KnowledgeBase, build_kb
from gistcds.knowledge import cache as kbcache

from .conftest import EXAMPLES


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A copy of the bundled knowledge base that a test may edit."""
    out = tmp_path / "kb"
    out.mkdir()
    for path in KB_DIR.glob("*.yaml"):
        shutil.copy(path, out / path.name)
    return out


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GISTCDS_CACHE_DIR", str(folder))
    monkeypatch.delenv("GISTCDS_KB_CACHE", raising=False)
    return folder


class Counting:
    """build_kb, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, directory: Path) -> KnowledgeBase:
        self.calls += 1
        return build_kb(directory)


def _pickles(folder: Path) -> list[Path]:
    return sorted(folder.glob("kb-*.pickle"))


def test_second_load_comes_from_the_cache_and_equals_a_fresh_build(
    kb_dir: Path, cache: Path
) -> None:
    build = Counting()
    first = kbcache.load_or_build(kb_dir, build)
    second = kbcache.load_or_build(kb_dir, build)
    assert build.calls == 1
    assert len(_pickles(cache)) == 1
    assert second is not first and second.cache_key == first.cache_key != ""
    assert second.version == first.version
    assert second.sources == first.sources
    assert second.tables == first.tables  # pydantic equality: every field of every record


def test_a_changed_yaml_file_invalidates_the_cache(kb_dir: Path, cache: Path) -> None:
    build = Counting()
    before = kbcache.load_or_build(kb_dir, build)
    meta = kb_dir / "meta.yaml"
    meta.write_text(re.sub(r"(?m)^version: .*$", 'version: "1999.01"', meta.read_text()))
    after = kbcache.load_or_build(kb_dir, build)
    assert build.calls == 2
    assert after.version.startswith("1999.01+") and after.version != before.version
    assert after.cache_key != before.cache_key
    assert kbcache.load_or_build(kb_dir, build).version == after.version
    assert build.calls == 2


def test_a_broken_yaml_file_is_reported_and_never_cached(kb_dir: Path, cache: Path) -> None:
    from gistcds.errors import KnowledgeBaseError

    kbcache.load_or_build(kb_dir, build_kb)
    (kb_dir / "risk_nih.yaml").write_text("tables: [")
    with pytest.raises(KnowledgeBaseError, match=r"risk_nih\.yaml"):
        kbcache.load_or_build(kb_dir, build_kb)
    assert len(_pickles(cache)) == 1  # only the good one


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"not a pickle"),
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # partial file
        lambda p: p.write_bytes(__import__("pickle").dumps({"a": "dict"})),  # wrong object
    ],
    ids=["garbage", "truncated", "wrong-object"],
)
def test_an_unreadable_cache_file_is_rebuilt_silently(
    kb_dir: Path, cache: Path, damage: Callable[[Path], None]
) -> None:
    build = Counting()
    good = kbcache.load_or_build(kb_dir, build)
    (path,) = _pickles(cache)
    damage(path)
    again = kbcache.load_or_build(kb_dir, build)
    assert build.calls == 2
    assert again.tables == good.tables
    kbcache.load_or_build(kb_dir, build)  # the rebuilt file is whole again
    assert build.calls == 2


def test_the_environment_variable_turns_the_cache_off(
    kb_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GISTCDS_KB_CACHE", "0")
    build = Counting()
    kb = kbcache.load_or_build(kb_dir, build)
    kbcache.load_or_build(kb_dir, build)
    assert build.calls == 2
    assert not cache.exists()
    assert kb.cache_key == ""
    # derived values are computed, not stored
    assert kbcache.derived(kb, "n_tables", lambda k: len(k.tables)) == len(kb.tables)
    assert not cache.exists()


def test_a_folder_others_can_write_is_not_used(kb_dir: Path, cache: Path) -> None:
    cache.mkdir(mode=0o777)
    os.chmod(cache, 0o777)
    build = Counting()
    kbcache.load_or_build(kb_dir, build)
    kbcache.load_or_build(kb_dir, build)
    assert build.calls == 2
    assert _pickles(cache) == []


def test_derived_values_are_stored_beside_the_knowledge_base(kb_dir: Path, cache: Path) -> None:
    kb = kbcache.load_or_build(kb_dir, build_kb)
    calls: list[int] = []

    def count_tables(k: KnowledgeBase) -> int:
        calls.append(1)
        return len(k.tables)

    assert kbcache.derived(kb, "n_tables", count_tables) == len(kb.tables)
    assert kbcache.derived(kb, "n_tables", count_tables) == len(kb.tables)
    assert len(calls) == 1
    assert len(list(cache.glob("derived-*-n_tables-*.pickle"))) == 1


def test_same_assessment_with_and_without_the_cache(kb_dir: Path, cache: Path) -> None:
    """Every bundled example: identical JSON from a freshly validated knowledge base and from
    its precompiled copy (a second load, so the pickle and the stored values are used)."""
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient

    fresh = build_kb(kb_dir)
    kbcache.load_or_build(kb_dir, build_kb)
    for path in sorted(EXAMPLES.glob("*.json")):  # first pass writes the stored values
        assess(load_patient(str(path)), kbcache.load_or_build(kb_dir, build_kb))
    cached = kbcache.load_or_build(kb_dir, build_kb)
    assert cached.cache_key and list(cache.glob("derived-*.pickle"))
    for path in sorted(EXAMPLES.glob("*.json")):
        patient = load_patient(str(path))
        a = assess(patient, fresh).model_dump_json()
        b = assess(patient, cached).model_dump_json()
        assert a == b, path.name


def test_cold_command_uses_the_cache_and_needs_no_yaml(cache: Path) -> None:
    """A second ``gistcds assess`` loads the precompiled copy: no YAML parser, no validator
    of a knowledge-base table is built."""
    probe = (
        "import sys\n"
        "from gistcds.knowledge import load_kb\n"
        "from gistcds.knowledge.schema import risk_nih\n"
        "kb = load_kb()\n"
        "print(kb.cache_key != '', 'yaml' in sys.modules,"
        " risk_nih.Table.__pydantic_complete__)\n"
    )
    env = {**os.environ, "GISTCDS_CACHE_DIR": str(cache)}
    env.pop("GISTCDS_KB_DIR", None)
    run = [sys.executable, "-c", probe]
    subprocess.run(run, check=True, env=env, capture_output=True)
    out = subprocess.run(run, check=True, env=env, capture_output=True, text=True).stdout
    assert out.split() == ["True", "False", "False"]


def test_private_subfolders_follow_the_cache_switch(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = kbcache.private_subdir("jinja2")
    assert sub == cache / "jinja2" and sub.is_dir()
    assert sub.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("GISTCDS_KB_CACHE", "off")
    assert kbcache.private_subdir("jinja2") is None
