"""Side effects: adverse events -> label dose modifications, supportive care, counselling,
monitoring and the patient's guide per drug. Pure functions of the ClinicalFacts and the KB."""

from gistcds.toxicity.engine import ToxicityResult, assess_toxicity
from gistcds.toxicity.ranking import apply_tolerance, event_cautions, interruption_cautions
from gistcds.toxicity.rules import advise_event, next_level

__all__ = [
    "ToxicityResult",
    "advise_event",
    "apply_tolerance",
    "assess_toxicity",
    "event_cautions",
    "interruption_cautions",
    "next_level",
]
