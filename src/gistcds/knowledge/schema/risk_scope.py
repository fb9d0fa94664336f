"""Schema of ``risk_scope.yaml``: which risk systems apply to which patient, and why not."""

from pydantic import Field

from gistcds.knowledge import Cited, KBModel


class ScopeRule(Cited):
    """Systems that are not reported in a situation, with the reason shown to the user."""

    withheld: list[str]
    reason: str


class ScopeNote(Cited):
    note: str


class Table(KBModel):
    systems: list[str] = Field(description="every system of the risk panel")
    recurrence_systems: list[str] = Field(description="systems defined for resected primaries")
    metastatic: ScopeRule
    no_primary: ScopeRule
    unresected: ScopeRule
    macroscopic_residual: ScopeRule
    neoadjuvant: ScopeRule
    resection_unknown: ScopeNote
    r1: ScopeNote
    unresected_ajcc: ScopeNote
    neoadjuvant_ajcc: ScopeNote
    paediatric_age_below: float = Field(gt=0)
    paediatric: ScopeNote
    sdh_deficient: ScopeNote
    rupture_definition: ScopeNote
    rupture_unknown: ScopeNote
