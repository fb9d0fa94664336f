"""Read a ClinicalTrials.gov API v2 JSON export and merge it into the trials table.

Accepted shapes: a ``/studies`` page (``{"studies": [...]}``), a list of study objects, a
single study (``{"protocolSection": ...}``), or JSON Lines (one study per line, the API's
``format=json`` download). Only the fields the table keeps are read (see
``reference/trials.md`` section 3.3): ``nctId``, ``acronym``, ``briefTitle``,
``overallStatus`` (``lastKnownStatus`` when it is UNKNOWN), the last-update date,
``phases``, intervention names, conditions and the eligibility text. Bad input raises
InputError with one problem per fault, each naming its JSON path.

Merging refreshes the status and date of trials already in the table (their encoded
eligibility is kept) and adds new GIST trials with their eligibility text only
(``parsed: false``), so the matcher offers them with "eligibility not encoded".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from gistcds.errors import InputError, Problem
from gistcds.knowledge.schema.trials import REGISTRY_STATUSES, Eligibility, Table, Trial

__all__ = ["ImportReport", "Study", "merge_export", "read_ctgov_export"]

REGISTRY_SOURCE = "ctgovregistry"
_GIST = re.compile(r"gastrointestinal stromal|\bGIST\b", re.IGNORECASE)
_PHASES = {"EARLY_PHASE1": "early 1", "PHASE1": "1", "PHASE2": "2", "PHASE3": "3", "PHASE4": "4"}


@dataclass(frozen=True)
class Study:
    """The fields of one registry record the trials table keeps."""

    nct_id: str
    acronym: str | None
    title: str
    status: str | None
    status_date: str | None
    phase: str
    drugs: list[str]
    is_gist: bool
    eligibility_text: str


@dataclass(frozen=True)
class ImportReport:
    refreshed: list[str]
    added: list[str]
    skipped: list[str]


def _documents(text: str) -> list[tuple[str, Any]]:
    """(path prefix, study object) pairs, whatever the export's shape."""
    stripped = text.strip()
    if not stripped:
        raise InputError([Problem("", "empty file: no ClinicalTrials.gov studies")])
    try:
        doc = json.loads(stripped)
    except json.JSONDecodeError:
        doc = None
        lines = [ln for ln in stripped.splitlines() if ln.strip()]
        out: list[tuple[str, Any]] = []
        for i, ln in enumerate(lines):
            try:
                out.append((f"line {i + 1}", json.loads(ln)))
            except json.JSONDecodeError as exc:
                raise InputError([Problem(f"line {i + 1}", f"not JSON ({exc.msg})")]) from None
        return out
    if isinstance(doc, dict) and "studies" in doc:
        studies = doc["studies"]
        if not isinstance(studies, list):
            raise InputError([Problem("studies", "must be a list of study objects")])
        return [(f"studies[{i}]", s) for i, s in enumerate(studies)]
    if isinstance(doc, list):
        return [(f"[{i}]", s) for i, s in enumerate(doc)]
    return [("", doc)]


def _get(obj: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _study(prefix: str, doc: Any) -> Study:
    at = f"{prefix}." if prefix else ""
    if not isinstance(doc, dict) or not isinstance(doc.get("protocolSection"), dict):
        raise InputError([Problem(f"{at}protocolSection", "missing: not a study record")])
    ps = doc["protocolSection"]
    nct = _get(ps, ["identificationModule", "nctId"])
    if not isinstance(nct, str) or not re.fullmatch(r"(NCT|nct)[0-9]{8}", nct):
        path = f"{at}protocolSection.identificationModule.nctId"
        raise InputError([Problem(path, f"must be an NCT number (NCT + 8 digits), got {nct!r}")])
    status = _get(ps, ["statusModule", "overallStatus"])
    if status == "UNKNOWN":
        status = _get(ps, ["statusModule", "lastKnownStatus"]) or status
    if status is not None and status not in REGISTRY_STATUSES:
        path = f"{at}protocolSection.statusModule.overallStatus"
        raise InputError([Problem(path, f"not a ClinicalTrials.gov status: {status!r}")])
    date = _get(ps, ["statusModule", "lastUpdatePostDateStruct", "date"]) or _get(
        ps, ["statusModule", "statusVerifiedDate"]
    )
    phases = _get(ps, ["designModule", "phases"]) or []
    interventions = _get(ps, ["armsInterventionsModule", "interventions"]) or []
    drugs = [
        str(i["name"]).strip().lower()
        for i in interventions
        if isinstance(i, dict)
        and i.get("name")
        and i.get("type") in ("DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT", None)
    ]
    conditions = _get(ps, ["conditionsModule", "conditions"]) or []
    meshes = _get(doc, ["derivedSection", "conditionBrowseModule", "meshes"]) or []
    words = [
        *map(str, conditions),
        *(str(m.get("term", "")) for m in meshes if isinstance(m, dict)),
    ]
    title = _get(ps, ["identificationModule", "briefTitle"]) or nct.upper()
    return Study(
        nct_id=nct.upper(),
        acronym=_get(ps, ["identificationModule", "acronym"]),
        title=str(title),
        status=status,
        status_date=str(date)[:10] if date else None,
        phase="/".join(_PHASES.get(str(p), str(p).lower()) for p in phases) or "not stated",
        drugs=drugs or ["see registry record"],
        is_gist=any(_GIST.search(w) for w in [*words, str(title)]),
        eligibility_text=str(_get(ps, ["eligibilityModule", "eligibilityCriteria"]) or "").strip(),
    )


def read_ctgov_export(text: str) -> list[Study]:
    """Every study of an export; InputError naming the JSON path of each bad one."""
    studies: list[Study] = []
    problems: list[Problem] = []
    for prefix, doc in _documents(text):
        try:
            studies.append(_study(prefix, doc))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return studies


def _new_trial(s: Study) -> Trial:
    text = s.eligibility_text[:600] + ("..." if len(s.eligibility_text) > 600 else "")
    return Trial(
        registry_id=s.nct_id,
        name=s.acronym,
        title=s.title,
        regimen=s.drugs,
        phase=s.phase,
        line="not encoded",
        status=s.status,
        status_date=s.status_date,
        status_note="Imported from a ClinicalTrials.gov export; eligibility not encoded.",
        eligibility=Eligibility(
            settings=["metastatic", "localized"],
            text=text or "Eligibility text not in the export.",
            parsed=False,
        ),
        imported=True,
        source_ids=[REGISTRY_SOURCE],
        confidence="primary",
    )


def merge_export(table: Table, studies: list[Study]) -> tuple[Table, ImportReport]:
    """The table with statuses refreshed and new GIST trials added."""
    by_id = {t.registry_id: t for t in table.trials}
    refreshed: list[str] = []
    added: list[str] = []
    skipped: list[str] = []
    for s in studies:
        old = by_id.get(s.nct_id)
        if old is not None:
            note = f"Refreshed from a ClinicalTrials.gov export (record of {s.status_date})."
            by_id[s.nct_id] = old.model_copy(
                update={
                    "status": s.status,
                    "status_date": s.status_date,
                    "status_note": note,
                    "imported": True,
                }
            )
            refreshed.append(s.nct_id)
        elif s.is_gist:
            by_id[s.nct_id] = _new_trial(s)
            added.append(s.nct_id)
        else:
            skipped.append(s.nct_id)
    merged = Table.model_validate(
        {**table.model_dump(), "trials": [t.model_dump() for t in by_id.values()]}
    )
    return merged, ImportReport(refreshed=refreshed, added=added, skipped=skipped)
