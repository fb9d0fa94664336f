"""Body sites both ways: the patient's primary site / organ names <-> body-site codes."""

from __future__ import annotations

from typing import Any

from gistcds.fhir.terminology import codeable, concept, concept_of, system

__all__ = ["organ_codeable", "organ_of", "primary_site_codeables", "primary_site_of"]

# Primary site (CONTRACT enum) -> body-site concepts (jejunum/ileum is two structures).
PRIMARY: dict[str, tuple[str, ...]] = {
    "stomach": ("site_stomach",),
    "duodenum": ("site_duodenum",),
    "jejunum_ileum": ("site_jejunum", "site_ileum"),
    "small_intestine": ("site_small_intestine",),
    "colon": ("site_colon",),
    "rectum": ("site_rectum",),
    "esophagus": ("site_esophagus",),
    "omentum": ("site_omentum",),
    "mesentery": ("site_mesentery",),
    "peritoneum": ("site_peritoneum",),
    "other": ("site_other",),
}

# Organ names (imaging lesions, metastatic sites) with a body-site concept of their own.
ORGANS: dict[str, str] = {
    "stomach": "site_stomach",
    "duodenum": "site_duodenum",
    "jejunum": "site_jejunum",
    "ileum": "site_ileum",
    "small_intestine": "site_small_intestine",
    "colon": "site_colon",
    "rectum": "site_rectum",
    "esophagus": "site_esophagus",
    "omentum": "site_omentum",
    "mesentery": "site_mesentery",
    "peritoneum": "site_peritoneum",
    "liver": "site_liver",
    "lung": "site_lung",
    "bone": "site_bone",
    "lymph_node": "site_lymph_node",
    "other": "site_other",
}
_ORGAN_OF = {v: k for k, v in ORGANS.items()}

# ICD-O-3 topography prefixes a sender may use instead of SNOMED CT.
_TOPOGRAPHY = (
    ("C17.0", "duodenum"),
    ("C17.1", "jejunum"),
    ("C17.2", "ileum"),
    ("C16", "stomach"),
    ("C17", "small_intestine"),
    ("C18", "colon"),
    ("C19", "rectum"),
    ("C20", "rectum"),
    ("C15", "esophagus"),
    ("C22", "liver"),
    ("C34", "lung"),
    ("C77", "lymph_node"),
)


def primary_site_codeables(site: str) -> list[dict[str, Any]]:
    """Condition.bodySite entries for a primary site."""
    return [codeable(key) for key in PRIMARY[site]]


def organ_codeable(organ: str) -> dict[str, Any]:
    """BodyStructure.location / bodySite for an organ name; text only when not coded."""
    key = ORGANS.get(organ)
    if key is None:
        return {"text": organ}
    return codeable(key, text=organ)


def organ_of(cc: Any) -> tuple[str | None, str]:
    """(organ name, how it was read) from a CodeableConcept; None when unreadable."""
    if not isinstance(cc, dict):
        return None, "no body site"
    key = concept_of(cc)
    if key in _ORGAN_OF:
        return _ORGAN_OF[key], f"coded {concept(key).display}"
    topo = _topography(cc)
    if topo is not None:
        return topo, "ICD-O-3 topography"
    text = cc.get("text") or next(
        (c.get("display") for c in cc.get("coding") or [] if c.get("display")), None
    )
    if isinstance(text, str) and text.strip():
        name = text.strip().lower().replace(" ", "_")[:64]
        return name, "read from its text (code not known to gistcds)"
    return None, "body site code not known to gistcds and no text"


def _topography(cc: dict[str, Any]) -> str | None:
    for cd in cc.get("coding") or []:
        if cd.get("system") != system("icdo3"):
            continue
        code = str(cd.get("code", "")).upper()
        for prefix, organ in _TOPOGRAPHY:
            if code.startswith(prefix):
                return organ
    return None


def primary_site_of(body_sites: list[Any]) -> tuple[str | None, str]:
    """The contract's primary site from Condition.bodySite entries, with how it was read."""
    organs = [organ_of(cc)[0] for cc in body_sites]
    found = {o for o in organs if o}
    if not found:
        return None, "no body site gistcds can read"
    if found <= {"jejunum", "ileum"}:
        return "jejunum_ileum", "jejunum/ileum"
    known = {o for o in found if o in PRIMARY}
    if len(found) == 1 and known:
        return known.pop(), "coded"
    return "other", f"site(s) {sorted(found)} are not a GIST primary site in the contract"
