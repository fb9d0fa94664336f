"""Stored prognosis results (issue 19 item 11): the bands and sequence runs kept beside the
precompiled knowledge base change no figure, spare a later process numpy, are invalidated
by every part of their key, survive damaged files and concurrent writers, and stay bounded.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, SHARED_CASES
from gistcds.assess import assess
from gistcds.domain.patient import Patient
from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.knowledge import results as store
from gistcds.knowledge.cache import write_pickle
from gistcds.prognosis import band, band_draws, evidence, sequence, sequence_run

PATIENT = EXAMPLES / "metastatic-kit11-untreated.json"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private, empty cache folder for this test, and no results memoised in-process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GISTCDS_CACHE_DIR", str(folder))
    monkeypatch.delenv("GISTCDS_KB_CACHE", raising=False)
    band.band.cache_clear()
    sequence._simulate.cache_clear()
    store._code_stamp.cache_clear()
    yield folder
    band.band.cache_clear()
    sequence._simulate.cache_clear()
    store._code_stamp.cache_clear()


def _stored(folder: Path) -> list[Path]:
    return sorted((folder / store.SUBDIR).glob("*.pickle"))


def _patients() -> dict[str, Any]:
    """Every example patient and shared case's patient (the shared cases wrap theirs)."""
    found = {p.name: json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))}
    for p in sorted(SHARED_CASES.glob("*.json")) if SHARED_CASES.is_dir() else []:
        found[f"case:{p.name}"] = json.loads(p.read_text())["patient"]
    return found


def _assess_all(kb: KnowledgeBase) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name, data in _patients().items():
        try:
            patient = Patient.model_validate(data)
        except ValueError:  # a case built to be rejected (e.g. invalid-size)
            out[name] = None
            continue
        out[name] = assess(patient, kb).model_dump_json()
    return out


def _refuse(*args: object, **kwargs: object) -> Any:
    raise AssertionError("computed again, not read from the cache")


def test_stored_results_change_no_output(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example and shared case: the figures computed and stored (first run), read back
    (second run: nothing memoised in the process, nothing computed) and computed with the
    cache off are equal."""
    kb = dataclasses.replace(load_kb())  # same cache key, nothing memoised on it yet
    assert kb.cache_key
    first = _assess_all(kb)
    assert _stored(cache), "the advanced patients' bands were stored"
    band.band.cache_clear()
    sequence._simulate.cache_clear()
    with monkeypatch.context() as m:
        m.setattr(band_draws, "draw_band", _refuse)
        m.setattr(sequence_run, "summarise_run", _refuse)
        m.setattr(evidence, "fit_points", _refuse)
        second = _assess_all(dataclasses.replace(kb))  # fitted arms read from disk too
    assert band.band.cache_info().misses > 0
    off = dataclasses.replace(kb, cache_key="")  # a knowledge base not from the cache
    band.band.cache_clear()
    sequence._simulate.cache_clear()
    without = _assess_all(off)
    assert sum(v is not None for v in first.values()) >= 5
    assert first == second == without


_DRIVER = """
import atexit, runpy, sys
atexit.register(lambda: sys.stderr.write("numpy imported: %s\\n" % ("numpy" in sys.modules)))
sys.argv = ["gistcds", "assess", sys.argv[1], "--format", "json"]
runpy.run_module("gistcds", run_name="__main__")
"""


def _command(folder: Path, *, cache_on: bool = True) -> tuple[str, bool]:
    env = {**os.environ, "GISTCDS_CACHE_DIR": str(folder)}
    env["GISTCDS_KB_CACHE"] = "1" if cache_on else "0"
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(PATIENT)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout, "numpy imported: True" in done.stderr


def test_second_run_imports_no_numpy(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first, numpy_first = _command(folder)
    second, numpy_second = _command(folder)
    off, numpy_off = _command(folder, cache_on=False)
    assert numpy_first and numpy_off, "the bands were drawn (numpy) where none was stored"
    assert not numpy_second, "a stored band was drawn again"
    assert '"prognosis": {' in first
    assert first == second == off


def _counting(calls: list[int]) -> Any:
    def compute() -> tuple[float, ...]:
        calls.append(1)
        return (1.5, 2.25, float(len(calls)))

    return compute


def _module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    """A module of our own (its file's stamp is part of the key), not imported."""
    (tmp_path / "mod_for_key.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "mod_for_key"


def test_every_part_of_the_key_invalidates(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    compute = _counting(calls)
    mod = _module(tmp_path, monkeypatch, "X = 1\n")

    def get(kb_key: str = "kb1", args: tuple[object, ...] = (1.0, "a")) -> object:
        return store.remembered(kb_key, "t", args, compute, tuple, (mod,))

    assert get() == get() == (1.5, 2.25, 1.0)
    assert len(calls) == 1  # the second came from disk
    get(kb_key="kb2")  # another knowledge base (content, its code, versions)
    get(args=(1.0000000000000002, "a"))  # another argument, however close
    assert len(calls) == 3
    (tmp_path / "mod_for_key.py").write_text("X = 22\n")  # the computing code changed
    store._code_stamp.cache_clear()
    get()
    assert len(calls) == 4
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")  # Python
    store._code_stamp.cache_clear()
    get()
    assert len(calls) == 5
    get()
    assert len(calls) == 5


def test_stored_results_are_keyed_by_their_code_and_numpy() -> None:
    """The modules that compute a stored band or sequence run, and numpy (by its
    ``__init__`` file, which an upgrade rewrites), are part of its key (the generic
    mechanism is tested above)."""
    for code, compute in ((band._CODE, "band_draws"), (sequence._CODE, "sequence_run")):
        assert "numpy" in code and f"gistcds.prognosis.{compute}" in code
        assert {"gistcds.prognosis.curves", "gistcds.prognosis.evidence"} <= set(code)
    assert len(store._code_stamp(band._CODE)) == 64


@pytest.mark.parametrize("damage", ["truncated", "garbage", "wrong_type", "other_args", "empty"])
def test_damaged_file_is_ignored_and_rewritten(cache: Path, damage: str) -> None:
    calls: list[int] = []
    compute = _counting(calls)
    args = (3.0, "x")
    first = store.remembered("kb", "t", args, compute, tuple, ("json",))
    (path,) = _stored(cache)
    data = path.read_bytes()
    damaged = {
        "truncated": data[: len(data) // 2],
        "garbage": b"\x80\x05not a pickle at all",
        "wrong_type": pickle.dumps(("t", repr(args), "a string, not a tuple")),
        "other_args": pickle.dumps(("t", repr((4.0, "x")), (9.0,))),
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    again = store.remembered("kb", "t", args, compute, tuple, ("json",))
    assert again == (1.5, 2.25, 2.0) and len(calls) == 2  # computed again, not the damage
    assert first[:2] == again[:2]
    assert pickle.loads(path.read_bytes()) == ("t", repr(args), again)  # whole again


def test_cache_failure_never_fails_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GISTCDS_CACHE_DIR", str(blocker / "cache"))
    store._code_stamp.cache_clear()
    calls: list[int] = []
    assert store.remembered("kb", "t", (1,), _counting(calls), tuple, ("json",))[2] == 1.0
    # an unknown module in the key: computed, not stored, no error
    assert store.remembered("kb", "t", (1,), _counting(calls), tuple, ("no_such_mod_x",))
    assert len(calls) == 2


def test_off_switch_and_uncached_knowledge_base_store_nothing(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    store.remembered("", "t", (1,), _counting(calls), tuple, ("json",))
    monkeypatch.setenv("GISTCDS_KB_CACHE", "0")
    store.remembered("kb", "t", (1,), _counting(calls), tuple, ("json",))
    store.remembered("kb", "t", (1,), _counting(calls), tuple, ("json",))
    assert len(calls) == 3
    assert not cache.exists()


def test_bounded_least_recently_used_go_first(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "MAX_ENTRIES", 5)
    calls: list[int] = []
    compute = _counting(calls)
    for i in range(5):
        store.remembered("kb", "t", (i,), compute, tuple, ("json",))
    files = _stored(cache)
    past = time.time() - 1000
    for n, f in enumerate(files):  # distinct ages, all old
        os.utime(f, (past + n, past + n))
    oldest = min(files, key=lambda f: f.stat().st_mtime)
    # a hit on the oldest refreshes it: it is now the most recently used
    index = next(i for i in range(5) if pickle.loads(oldest.read_bytes())[1] == repr((i,)))
    store.remembered("kb", "t", (index,), compute, tuple, ("json",))
    assert len(calls) == 5
    for i in range(5, 8):
        store.remembered("kb", "t", (i,), compute, tuple, ("json",))
    kept = _stored(cache)
    assert len(kept) == 5 and oldest in kept
    largest = max(f.stat().st_size for f in kept) + 1  # the next file's name is one digit longer
    monkeypatch.setattr(store, "MAX_BYTES", 3 * largest)
    store.remembered("kb", "t", (99,), compute, tuple, ("json",))
    assert len(_stored(cache)) == 3


def test_stale_temporary_files_are_removed(cache: Path) -> None:
    calls: list[int] = []
    store.remembered("kb", "t", (0,), _counting(calls), tuple, ("json",))
    folder = cache / store.SUBDIR
    stale, fresh = folder / ".tmp-dead", folder / ".tmp-writing"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    old = time.time() - 2 * store._STALE_TMP_SECONDS
    os.utime(stale, (old, old))
    store.remembered("kb", "t", (1,), _counting(calls), tuple, ("json",))
    assert not stale.exists() and fresh.exists()


_BIG = tuple(float(i) for i in range(200_000))  # a file of about 2 MB: many write calls


def _writer(folder: str, rounds: int) -> None:
    os.environ["GISTCDS_CACHE_DIR"] = folder
    for _ in range(rounds):
        path = store._path(Path(folder) / store.SUBDIR, "kb", "big", "s", "x")
        write_pickle(path, ("big", "x", _BIG))


def test_concurrent_writers_never_leave_a_torn_file(tmp_path: Path) -> None:
    """Several processes rewrite one entry while this one reads it: every read sees a whole
    file (or none), never a torn one."""
    folder = tmp_path / "cache"
    (folder / store.SUBDIR).mkdir(parents=True, mode=0o700)
    path = store._path(folder / store.SUBDIR, "kb", "big", "s", "x")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(folder), 15)) for _ in range(4)]
    for p in procs:
        p.start()
    reads = 0
    while any(p.is_alive() for p in procs) or reads == 0:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        assert pickle.loads(data) == ("big", "x", _BIG)  # raises on a torn file
        reads += 1
    for p in procs:
        p.join()
        assert p.exitcode == 0
    assert reads > 0
    leftovers = [f.name for f in (folder / store.SUBDIR).iterdir() if f.name.startswith(".tmp")]
    assert leftovers == []
