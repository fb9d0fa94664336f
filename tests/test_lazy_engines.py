"""One assessment imports only the engine code its patient needs (issue 19 item 11; docs/cli.md
"Start-up time"): checked in a new interpreter per patient, by the modules loaded."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES

_CODE = """
import sys
from gistcds.assess import assess
from gistcds.io.patient_json import load_patient
assess(load_patient(sys.argv[1]))
print(*sorted(name for name in sys.modules if name.startswith("gistcds.")))
"""


def _loaded(example: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _CODE, str(EXAMPLES / f"{example}.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(done.stdout.split())


@pytest.mark.parametrize(
    ("example", "engine", "criteria"),
    [
        ("localized-high-risk-resected", False, False),  # no imaging
        ("metastatic-kit11-untreated", True, False),  # a baseline CT only
        ("progression-after-imatinib", True, True),  # three CTs
    ],
)
def test_response_code_loads_with_the_imaging_it_reads(
    example: str, engine: bool, criteria: bool
) -> None:
    loaded = _loaded(example)
    assert ("gistcds.response.engine" in loaded) is engine
    follow_up = {"gistcds.response.timepoint", "gistcds.response.choi"}
    assert (follow_up <= loaded) is criteria
    assert not (follow_up & loaded) or criteria
