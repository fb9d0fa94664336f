"""The researcher's view of a stored assessment: de-identified, in one function.

``deidentify_record`` is the only place this is decided; the REST research routes and the
web page both call it. What it does:

- no identifiers: the patient ``id``, the record ``id``, ``patient_id`` and ``input_sha256``
  are removed; a keyed pseudonym (``subject``) lets a researcher group one patient's records;
- dates shifted per patient: every date (as a value, or written inside a sentence) moves back
  by the same 1..365 days for all of one patient's records (keyed by a secret the service
  keeps in its database), so intervals - time on a line, time to progression - are exact;
- ages over 89 are reported as 90 (the HIPAA Safe Harbor grouping, 45 CFR 164.514(b)(2));
- no free text: an input string that is not a single code-like word (``liver``,
  ``imatinib``, ``p.W557_K558del``, ``L1``) is dropped, and so is any output string that
  quotes a dropped input string (3+ characters; any length when the output string is
  that input string whole) or the patient id. The rest of the output is gistcds's own
  wording from the knowledge base, kept with its dates shifted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from typing import Any

from gistcds.store import StoredAssessment

MAX_SHIFT_DAYS = 365
AGE_CAP = 90
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DATE_IN_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_CODE = re.compile(r"^[A-Za-z0-9_.:+*>/-]{1,64}$")
_ID_KEYS = {"patient_id", "input_sha256"}


def _mac(secret: bytes, label: str, patient_id: str) -> bytes:
    return hmac.new(secret, f"{label}\x00{patient_id}".encode(), hashlib.sha256).digest()


def date_shift_days(secret: bytes, patient_id: str) -> int:
    """The patient's shift: the same negative number of days for every record of theirs."""
    return -(1 + int.from_bytes(_mac(secret, "shift", patient_id)[:4], "big") % MAX_SHIFT_DAYS)


def subject_pseudonym(secret: bytes, patient_id: str) -> str:
    """A stable pseudonym per patient that cannot be turned back into the id without the key."""
    return "S-" + _mac(secret, "subject", patient_id).hex()[:16]


def _shift_date(text: str, days: int) -> str | None:
    """A date or timestamp string moved by ``days`` (date part only); None if not a date."""
    match = _DATE.match(text)
    if not match:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    try:
        return (day + dt.timedelta(days=days)).isoformat()
    except OverflowError:  # year 1 moved back: the earliest date there is
        return dt.date.min.isoformat()


def _shift_in_text(text: str, days: int) -> str:
    return _DATE_IN_TEXT.sub(lambda m: _shift_date(m[0], days) or m[0], text)


_DROPPED = object()


def _walk(value: Any, rule: Callable[[str], str | None]) -> Any:
    """Copy ``value`` applying ``rule`` to every string: a dropped string becomes null in an
    object and disappears from a list."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in _ID_KEYS:
                continue
            if k == "age_years" and isinstance(v, int | float) and v > AGE_CAP - 1:
                v = AGE_CAP
            item = _walk(v, rule)
            out[k] = None if item is _DROPPED else item
        return out
    if isinstance(value, list):
        return [x for x in (_walk(v, rule) for v in value) if x is not _DROPPED]
    if isinstance(value, str):
        kept = rule(value)
        return _DROPPED if kept is None else kept
    return value


def deidentify_input(document: dict[str, Any], secret: bytes) -> tuple[dict[str, Any], set[str]]:
    """The patient document de-identified, and the free-text strings it dropped."""
    patient_id = str(document.get("id", ""))
    days = date_shift_days(secret, patient_id)
    dropped: set[str] = set()

    def rule(text: str) -> str | None:
        shifted = _shift_date(text, days)
        if shifted is not None:
            return shifted
        if _CODE.match(text) and not (patient_id and patient_id in text):
            return text
        dropped.add(text)
        return None

    body = {k: v for k, v in document.items() if k != "id"}
    return _walk(body, rule), dropped


def deidentify_output(
    output: dict[str, Any], patient_id: str, dropped: set[str], secret: bytes
) -> dict[str, Any]:
    """The assessment de-identified: ids out, dates shifted, quotes of free text dropped."""
    days = date_shift_days(secret, patient_id)
    needles = [s for s in dropped if len(s) >= 3]
    if patient_id:
        needles.append(patient_id)

    def rule(text: str) -> str | None:
        shifted = _shift_date(text, days)
        if shifted is not None:
            return shifted
        # An output string that *is* a dropped input string goes however short it is (the
        # record echo quotes input strings whole); inside a sentence, only needles of 3+
        # characters are searched for, so a 2-letter fragment does not blank every sentence.
        if text in dropped or any(n in text for n in needles):
            return None
        return _shift_in_text(text, days)

    result: dict[str, Any] = _walk(output, rule)
    return result


def deidentify_record(record: StoredAssessment, secret: bytes) -> dict[str, Any]:
    """A stored assessment as a researcher may see it (see the module docstring)."""
    document = json.loads(record.input_json)
    output = json.loads(record.output_json)
    patient, dropped = deidentify_input(document, secret)
    days = date_shift_days(secret, record.patient_id)
    created = (record.created + dt.timedelta(days=days)).date().isoformat()
    return {
        "subject": subject_pseudonym(secret, record.patient_id),
        "created": created,
        "knowledge_base_version": record.knowledge_base_version,
        "gistcds_version": record.gistcds_version,
        "patient": patient,
        "assessment": deidentify_output(output, record.patient_id, dropped, secret),
    }
