"""Shared wording for rationales: band descriptions read from ``risk_bands.yaml``."""

from __future__ import annotations

from gistcds.risk.tables import RiskTables


def fmt(x: float) -> str:
    return f"{x:g}"


def size_text(t: RiskTables, size: float, sb: int) -> str:
    return f"size {fmt(size)} cm ({t.bands.size_cm.display[sb]})"


def mitoses_text(t: RiskTables, mitoses: float, mb: int) -> str:
    return f"{fmt(mitoses)} mitoses/5 mm2 ({t.bands.mitoses.display[mb]})"
