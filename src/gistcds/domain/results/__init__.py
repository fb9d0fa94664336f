"""Output models: one module per part of the assessment (CONTRACT.md, "Assessment output").

Each engine owns its module here and fills it; ``domain/assessment.py`` composes them.
"""

__all__: list[str] = []
