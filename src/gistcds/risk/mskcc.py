"""MSKCC nomogram (Gold 2009): reported only from a published specification.

No coefficients or point scale are published (``risk_mskcc.yaml``), so the nomogram is
never approximated: the result is null and the panel states the reason.
"""

from __future__ import annotations

from gistcds.domain.results.risk import MskccResult
from gistcds.risk.tables import RiskTables


def mskcc2009(t: RiskTables) -> MskccResult | str:
    """The nomogram's 2- and 5-year RFS, or why it is not reported."""
    nomogram = t.mskcc_kb.mskcc
    if nomogram.status == "not_reported":
        return nomogram.reason
    raise NotImplementedError("risk_mskcc.yaml says implemented, but no model is coded")
