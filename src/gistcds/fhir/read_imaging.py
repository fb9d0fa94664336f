"""Tumour size and CT density observations per lesion (mCODE Tumor BodyStructures) ->
``imaging`` time points for RECIST 1.1 / Choi, and the primary tumour's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gistcds.fhir.bundle import Entry, first_date, quantity
from gistcds.fhir.mapping import Status
from gistcds.fhir.read_context import Ctx
from gistcds.fhir.sites import organ_of
from gistcds.fhir.terminology import concept_of
from gistcds.fhir.urls import lesion_id_system, mcode

__all__ = ["Imaging", "Lesion", "read_lesion_observation", "settle_imaging"]

_KINDS = {"target", "non_target", "new"}
_STATUSES = {"present", "absent", "unequivocal_progression"}


@dataclass
class Lesion:
    """What a body structure is: its id in gistcds, organ, and related condition."""

    lesion_id: str
    organ: str
    related: str | None
    entry: Entry


@dataclass
class Imaging:
    """Lesion values by (date, lesion id), and which entries gave them."""

    points: dict[dt.date, dict[str, dict[str, Any]]] = field(default_factory=dict)
    sources: dict[tuple[dt.date, str], Entry] = field(default_factory=dict)
    kinds_given: set[tuple[dt.date, str]] = field(default_factory=set)
    structures: dict[str, Lesion] = field(default_factory=dict)


def lesion_of(ctx: Ctx, img: Imaging, e: Entry) -> Lesion | None:
    """The Tumor body structure an observation focuses on (read once, then cached)."""
    foci = e.resource.get("focus") or []
    bs = next((ctx.index.resolve(f) for f in foci if ctx.index.resolve(f)), None)
    if bs is None or bs.rtype != "BodyStructure":
        return None
    if bs.ref in img.structures:
        return img.structures[bs.ref]
    r = bs.resource
    ids = r.get("identifier") or []
    chosen = next((i for i in ids if i.get("system") == lesion_id_system), None)
    chosen = chosen or next((i for i in ids if i.get("use") == "usual"), None) or (ids or [None])[0]
    lesion_id = str(chosen["value"]) if chosen and chosen.get("value") else str(bs.rid or bs.index)
    organ, how = organ_of(r.get("location"))
    related = None
    for x in r.get("extension") or []:
        if x.get("url") == mcode("mcode-related-condition"):
            target = ctx.index.resolve(x.get("valueReference"))
            related = target.ref if target else None
    ctx.consume(bs, "identifier", "location", "extension", "patient", "morphology")
    ctx.line("mapped", bs, "identifier", f"lesion id {lesion_id}", "imaging[].lesions[].id")
    if organ is None:
        organ = "other"
        ctx.line("assumed", bs, "location", f"{how}; organ taken as 'other'")
    else:
        ctx.line("mapped", bs, "location", how, "imaging[].lesions[].organ")
    lesion = Lesion(lesion_id, organ, related, bs)
    img.structures[bs.ref] = lesion
    return lesion


def _value(c: dict[str, Any]) -> Any:
    if "valueString" in c:
        return c["valueString"]
    if "valueBoolean" in c:
        return c["valueBoolean"]
    cc = c.get("valueCodeableConcept")
    if isinstance(cc, dict):
        code = next((cd.get("code") for cd in cc.get("coding") or [] if cd.get("code")), None)
        return code or cc.get("text")
    return None


def _mm(q: tuple[float, str] | None) -> float | None:
    if q is None:
        return None
    value, unit = q
    return value if unit == "mm" else value * 10 if unit == "cm" else None


def read_lesion_observation(ctx: Ctx, img: Imaging, e: Entry, key: str) -> None:
    """A CT measurement, density or lesion assessment of one lesion at one date."""
    r = e.resource
    ctx.consume(e, "code", "subject", "focus", "effectiveDateTime", "method", "category")
    when = first_date(r, "effectiveDateTime", "effectivePeriod")
    lesion = lesion_of(ctx, img, e)
    ct = concept_of(r.get("method")) == "method_ct"
    if key == "tumor_size" and not ct:
        _primary_size(ctx, e, lesion, when, priority=2)
        return
    if when is None or lesion is None:
        why = "no effective date" if when is None else "no focus on a Tumor BodyStructure"
        ctx.line("unmapped", e, "focus" if when else "effectiveDateTime", why)
        return
    values = img.points.setdefault(when, {}).setdefault(
        lesion.lesion_id, {"id": lesion.lesion_id, "organ": lesion.organ}
    )
    img.sources.setdefault((when, lesion.lesion_id), e)
    ctx.report.refs.imaging.setdefault(when.isoformat(), []).append(e.ref)
    target = f"imaging[{when.isoformat()}].lesions[{lesion.lesion_id}]"
    if key == "density":
        q = quantity(r.get("valueQuantity"))
        if q is None or q[1] not in ("[hnsf'U]", "HU"):
            ctx.line("unmapped", e, "valueQuantity", "density must be in Hounsfield units")
            return
        values["density_hu"] = q[0]
        ctx.consume(e, "valueQuantity", "derivedFrom")
        ctx.line("mapped", e, "valueQuantity", "mean CT attenuation (Choi)", f"{target}.density_hu")
        return
    for i, c in enumerate(r.get("component") or []):
        _component(ctx, e, i, c, values, target, (when, lesion.lesion_id), img)
    ctx.consume(e, "component")
    if key == "tumor_size" and ctx.report.refs.primary_condition == lesion.related:
        _primary_size(ctx, e, lesion, when, priority=1)


def _component(
    ctx: Ctx,
    e: Entry,
    i: int,
    c: dict[str, Any],
    values: dict[str, Any],
    target: str,
    key: tuple[dt.date, str],
    img: Imaging,
) -> None:
    what = concept_of(c.get("code"))
    el = f"component[{i}]"
    if what in ("tumor_longest", "short_axis"):
        mm = _mm(quantity(c.get("valueQuantity")))
        if mm is None:
            ctx.line("unmapped", e, el, "size must be a Quantity in mm or cm")
            return
        field_name = "longest_diameter_mm" if what == "tumor_longest" else "short_axis_mm"
        values[field_name] = mm
        ctx.line("mapped", e, el, "", f"{target}.{field_name}")
    elif what == "lesion_kind" and _value(c) in _KINDS:
        values["kind"] = _value(c)
        img.kinds_given.add(key)
        ctx.line("mapped", e, el, "", f"{target}.kind")
    elif what == "non_target_status" and _value(c) in _STATUSES:
        values["status"] = _value(c)
        ctx.line("mapped", e, el, "", f"{target}.status")
    elif what == "new_nodule" and isinstance(_value(c), bool):
        values["new_nodule_in_mass"] = _value(c)
        ctx.line("mapped", e, el, "", f"{target}.new_nodule_in_mass")
    elif what == "tumor_other_dim":
        ctx.line("ignored", e, el, "other dimensions: RECIST uses the longest diameter")
    else:
        ctx.line("unmapped", e, el, "component code or value not known to gistcds")


def _primary_size(
    ctx: Ctx, e: Entry, lesion: Lesion | None, when: dt.date | None, priority: int
) -> None:
    r = e.resource
    comp = next(
        (c for c in r.get("component") or [] if concept_of(c.get("code")) == "tumor_longest"),
        None,
    )
    mm = _mm(quantity((comp or {}).get("valueQuantity")))
    if lesion is not None and lesion.related not in (None, ctx.report.refs.primary_condition):
        ctx.line("ignored", e, "focus", "size of a lesion other than the primary tumour")
        ctx.consume(e, "component", "specimen")
        return
    if mm is None:
        ctx.line("unmapped", e, "component", "no longest dimension in mm or cm")
        return
    ctx.consume(e, "component", "specimen")
    ctx.report.refs.risk_basis.append(e.ref)
    day = when.toordinal() if when else 0
    # pathology size (priority 2): the latest; CT size (1): the earliest, before treatment
    rank = day if priority == 2 else -day
    how = "pathology/clinical size" if priority == 2 else "earliest CT size (no pathology size)"
    status: Status = "mapped" if priority == 2 else "assumed"
    ctx.offer("primary.size_cm", round(mm / 10, 4), e, "component", None, priority, how, status)
    ctx.offers["primary.size_cm"][-1].rank = (priority, rank, e.index)


def settle_imaging(ctx: Ctx, img: Imaging) -> None:
    """Time points in date order; a lesion's kind defaults from baseline when not given."""
    if not img.points:
        return
    dates = sorted(img.points)
    baseline: dict[str, str] = {}
    for n, day in enumerate(dates):
        lesions = []
        for lesion_id, values in img.points[day].items():
            if (day, lesion_id) not in img.kinds_given:
                values["kind"] = _default_kind(n, lesion_id, values, baseline)
                e = img.sources[(day, lesion_id)]
                why = f"lesion kind not given; taken as {values['kind']}"
                ctx.line("assumed", e, "component", why, f"imaging[{n}].lesions[{lesion_id}].kind")
            if n == 0:
                baseline[lesion_id] = values["kind"]
            lesions.append(values)
        ctx.doc.setdefault("imaging", []).append({"date": day.isoformat(), "lesions": lesions})
        first = img.sources[(day, next(iter(img.points[day])))]
        ctx.provenance[f"imaging[{n}]"] = first.at("effectiveDateTime")


def _default_kind(n: int, lesion_id: str, values: dict[str, Any], base: dict[str, str]) -> str:
    measured = "longest_diameter_mm" in values or "short_axis_mm" in values
    if n == 0:
        return "target" if measured else "non_target"
    return base.get(lesion_id, "new")
