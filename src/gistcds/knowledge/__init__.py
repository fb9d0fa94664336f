"""The knowledge base: every clinical number and rule, each with its citation.

Layout of this folder (or of ``GISTCDS_KB_DIR`` / ``load_kb(directory)``):

- ``meta.yaml``      ``version: "YYYY.MM"``; the reported version adds a content hash.
- ``sources.yaml``   the bibliography: ``sources: [{id, authors, title, journal,
                     year, pmid, doi}]``.
- ``<name>.yaml``    one table per engine; its schema is the pydantic model ``Table`` in
                     ``gistcds.knowledge.schema.<name>``. A YAML file without a schema is an
                     error, so nothing in the folder goes unchecked.

Facts are pydantic models derived from ``Cited``: ``source_ids`` is required and
non-empty, and every id must resolve in ``sources.yaml``. The knowledge base is
loaded and validated once per process (``load_kb`` is cached), and once per content
and code version on a machine (``gistcds.knowledge.cache``: a pickled, precompiled copy;
``GISTCDS_KB_CACHE=0`` turns it off).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gistcds.domain.confidence import Confidence
from gistcds.errors import KnowledgeBaseError

__all__ = [
    "KB_DIR",
    "Cited",
    "Confidence",
    "KBModel",
    "KnowledgeBase",
    "Source",
    "build_kb",
    "iter_source_ids",
    "load_kb",
    "table_name",
    "used_source_ids",
]

KB_DIR = Path(__file__).parent
RESERVED = {"meta", "sources"}


class KBModel(BaseModel):
    """Base for knowledge-base records: strict, immutable.

    ``defer_build``: a table's validator is built at its first validation, not at import,
    so a process that loads the precompiled knowledge base (no validation) never builds one."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Cited(KBModel):
    """A fact with its citations. Every knowledge-base entry derives from this."""

    source_ids: list[str] = Field(min_length=1)
    confidence: Confidence = "secondary"


class Source(KBModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    authors: str = Field(min_length=1)
    title: str = Field(min_length=1)
    journal: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2100)
    pmid: str | None = Field(default=None, pattern=r"^[0-9]{1,9}$")
    doi: str | None = Field(default=None, pattern=r"^10\.\S+/\S+$")
    url: str | None = None
    note: str | None = None
    # Official documents (drug labels, NCI CTCAE) have no PMID/DOI; they are identified by
    # kind: the DailyMed SPL set id of a US label, the EU product number of an SmPC, the
    # Drugs@FDA application number, or an official (.gov / europa.eu) address.
    dailymed_setid: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )
    ema_product_number: str | None = Field(
        default=None, pattern=r"^(EMEA/H/C/[0-9]{6}|EU/1/[0-9]{2}/[0-9]{3,4})$"
    )
    fda_application: str | None = Field(default=None, pattern=r"^(NDA|BLA)[0-9]{6}$")
    official_url: str | None = Field(
        default=None, pattern=r"^https://([a-z0-9-]+\.)+(gov|europa\.eu)(/\S*)?$"
    )
    # A guideline document or registry record that has no PMID/DOI (an NCCN panel record,
    # the Onkopedia or NCI PDQ text, a ClinicalTrials.gov record) is identified by kind and
    # name, and must give the address where it was read.
    document_id: str | None = Field(
        default=None,
        pattern=r"^(nccn|onkopedia|pdq|ctgov|oncokb):[A-Za-z0-9][A-Za-z0-9._:/-]*$",
    )

    @model_validator(mode="after")
    def _needs_identifier(self) -> Source:
        label_ids = (self.dailymed_setid, self.ema_product_number, self.fda_application)
        if not (self.pmid or self.doi or any(label_ids) or self.official_url or self.document_id):
            raise ValueError(
                "needs a pmid or a doi (an official document: a dailymed_setid, "
                "ema_product_number, fda_application or official_url; a guideline document "
                "or registry record: a document_id)"
            )
        if self.document_id and not self.url:
            raise ValueError("a document_id needs the url where the document was read")
        return self

    def citation(self) -> str:
        """One line: authors. title. journal year; PMID/DOI."""
        ids = "; ".join(
            x
            for x in (
                f"PMID {self.pmid}" if self.pmid else "",
                f"doi:{self.doi}" if self.doi else "",
                f"DailyMed setid {self.dailymed_setid}" if self.dailymed_setid else "",
                f"EU {self.ema_product_number}" if self.ema_product_number else "",
                f"Drugs@FDA {self.fda_application}" if self.fda_application else "",
                self.official_url or "",
                self.document_id or "",
            )
            if x
        )
        # one full stop after each part, none added where the part has its own ("et al.")
        head = "".join(
            f"{part}{'' if part.endswith(('.', '?', '!')) else '.'} "
            for part in (self.authors, self.title)
        )
        return f"{head}{self.journal} {self.year}; {ids}"


class _SourcesFile(KBModel):
    sources: list[Source]


class _MetaFile(KBModel):
    version: str = Field(min_length=1)
    description: str | None = None


T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")


def table_name(model: type[BaseModel]) -> str:
    """The table a schema model describes: the module name ``gistcds.knowledge.schema.<name>``."""
    prefix = "gistcds.knowledge.schema."
    if not model.__module__.startswith(prefix):
        raise KnowledgeBaseError([f"{model.__module__}.{model.__name__}: not a table schema"])
    return model.__module__.removeprefix(prefix)


@dataclass(frozen=True)
class KnowledgeBase:
    """Validated knowledge base: sources, tables by name, and a version string."""

    version: str
    directory: Path
    sources: dict[str, Source]
    tables: dict[str, BaseModel] = field(default_factory=dict)
    cache_key: str = field(default="", compare=False, repr=False)
    """The key of the precompiled copy this came from ("" when built without the cache)."""

    _memo: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def get(self, model: type[T]) -> T:
        """The validated table whose schema is ``model`` (``schema.<name>.Table`` is the
        table ``<name>.yaml``)."""
        return self.table(table_name(model), model)

    def memo(self, build: Callable[[KnowledgeBase], R]) -> R:
        """``build(self)``, computed once per knowledge base: compiled tables, fitted curves
        and other structures derived from the tables share this one cache."""
        try:
            return cast(R, self._memo[build])
        except KeyError:
            value = self._memo[build] = build(self)
            return value

    def stored(
        self,
        name: str,
        build: Callable[[KnowledgeBase], R],
        modules: tuple[str, ...] = (),
        packages: tuple[str, ...] = (),
    ) -> R:
        """Like :meth:`memo`, and also kept on disk beside the precompiled knowledge base, for
        pure values that cost more to compute than to unpickle (see ``cache.derived``)."""
        try:
            return cast(R, self._memo[("stored", name)])
        except KeyError:
            from gistcds.knowledge.cache import derived

            value = self._memo[("stored", name)] = derived(self, name, build, modules, packages)
            return value

    def table(self, name: str, model: type[T]) -> T:
        """The validated table ``<name>.yaml`` as its schema model."""
        try:
            value = self.tables[name]
        except KeyError:
            raise KnowledgeBaseError([f"{name}.yaml: no such table in {self.directory}"]) from None
        if not isinstance(value, model):
            raise KnowledgeBaseError(
                [f"{name}.yaml: loaded as {type(value).__name__}, not {model.__name__}"]
            )
        return value

    def cite(self, source_ids: list[str]) -> list[Source]:
        return [self.sources[s] for s in source_ids if s in self.sources]


def _read_yaml(path: Path) -> Any:
    import yaml  # lazy: a process that loads the precompiled knowledge base reads no YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        return yaml.load(fh, Loader=loader)


def _schema_for(name: str) -> type[BaseModel]:
    module = importlib.import_module(f"gistcds.knowledge.schema.{name}")
    model = getattr(module, "Table", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ImportError(f"gistcds.knowledge.schema.{name} has no pydantic model 'Table'")
    return model


def iter_source_ids(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, source id) in a validated table, found by walking its models."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            child = getattr(value, name)
            sub = f"{path}.{name}" if path else name
            if name == "source_ids" and isinstance(child, list):
                for sid in child:
                    yield sub, str(sid)
            else:
                yield from iter_source_ids(child, sub)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from iter_source_ids(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from iter_source_ids(v, f"{path}[{i}]")


def _format_validation(file: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"])
        value = err.get("input")
        got = f", got {value!r}" if isinstance(value, str | int | float) else ""
        out.append(f"{file}: {loc}: {err['msg']}{got}")
    return out


def _version(directory: Path, declared: str) -> str:
    from gistcds.knowledge.cache import yaml_digest

    return f"{declared}+{yaml_digest(directory)[:8]}"


def build_kb(directory: Path) -> KnowledgeBase:
    """Load and validate every file; raise KnowledgeBaseError listing all problems."""
    problems: list[str] = []
    if not directory.is_dir():
        raise KnowledgeBaseError([f"{directory}: not a directory"])

    import yaml

    def parse(file: Path, model: type[T]) -> T | None:
        try:
            return model.model_validate(_read_yaml(file))
        except FileNotFoundError:
            problems.append(f"{file.name}: missing")
        except yaml.YAMLError as exc:
            problems.append(f"{file.name}: not valid YAML ({exc})")
        except ValidationError as exc:
            problems.extend(_format_validation(file.name, exc))
        return None

    meta = parse(directory / "meta.yaml", _MetaFile)
    sources_file = parse(directory / "sources.yaml", _SourcesFile)
    sources: dict[str, Source] = {}
    identifiers: dict[str, str] = {}
    for s in sources_file.sources if sources_file else []:
        if s.id in sources:
            problems.append(f"sources.yaml: duplicate source id {s.id!r}")
        sources[s.id] = s
        for ident in (
            f"PMID {s.pmid}" if s.pmid else None,
            f"doi {s.doi.lower()}" if s.doi else None,
            f"DailyMed setid {s.dailymed_setid}" if s.dailymed_setid else None,
            f"document {s.document_id}" if s.document_id else None,
        ):
            if ident is None:
                continue
            if ident in identifiers and identifiers[ident] != s.id:
                problems.append(
                    f"sources.yaml: {s.id!r} and {identifiers[ident]!r} are the same work ({ident})"
                )
            identifiers.setdefault(ident, s.id)

    tables: dict[str, BaseModel] = {}
    for file in sorted(directory.glob("*.yaml")):
        name = file.stem
        if name in RESERVED:
            continue
        try:
            schema = _schema_for(name)
        except ImportError as exc:
            problems.append(f"{file.name}: no schema for this table ({exc})")
            continue
        table = parse(file, schema)
        if table is None:
            continue
        tables[name] = table
        for where, sid in iter_source_ids(table):
            if sid not in sources:
                problems.append(f"{file.name}: {where}: source id {sid!r} not in sources.yaml")

    if not problems:
        from gistcds.knowledge.references import check_references

        problems.extend(check_references(tables))
    if problems:
        raise KnowledgeBaseError(problems)
    assert meta is not None
    return KnowledgeBase(
        version=_version(directory, meta.version),
        directory=directory,
        sources=sources,
        tables=tables,
    )


@lru_cache(maxsize=4)
def _cached(directory: str) -> KnowledgeBase:
    from gistcds.knowledge.cache import load_or_build

    return load_or_build(Path(directory), build_kb)


def load_kb(directory: Path | str | None = None) -> KnowledgeBase:
    """The knowledge base, validated once per process and directory."""
    chosen = directory or os.environ.get("GISTCDS_KB_DIR") or KB_DIR
    return _cached(str(Path(chosen).resolve()))


def used_source_ids(kb: KnowledgeBase) -> set[str]:
    """Source ids cited anywhere in the tables."""
    return {sid for table in kb.tables.values() for _, sid in iter_source_ids(table)}
