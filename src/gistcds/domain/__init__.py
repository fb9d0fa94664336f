"""Domain model: the patient input (CONTRACT.md schema 1) and the assessment output."""

__all__: list[str] = []
