"""Schema of ``risk_mskcc.yaml``: the MSKCC nomogram (Gold 2009), and why it is not computed."""

from typing import Literal

from gistcds.knowledge import Cited, KBModel


class Nomogram(Cited):
    name: str
    status: Literal["not_reported", "implemented"]
    reason: str


class Table(KBModel):
    mskcc: Nomogram
