"""CDS Hooks 2.0 service contract, in the style of the public sandbox services' tests
(cds-hooks/sandbox-cds-services tests/*.test.js): discovery shape, 404 for GET on a
service, 400 on malformed JSON, 412 on missing prefetch without a FHIR server, and the
exact expected cards for the worked example (uuids fixed by the hookInstance).

The exact cards are a snapshot, tests/snapshots/cds_patient_view_kit11.json; after an
intended change of the cards, regenerate and review:

    GISTCDS_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_cds_service.py
    git diff tests/snapshots/
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cds_helpers import APP_URL, HOOK_INSTANCE, cds_app, draft_bundle, patient_view_call
from tests.conftest import SHARED_CASES
from tests.fhir_helpers import FHIR_EXAMPLES, prefetch

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "cds_patient_view_kit11.json"
UPDATE = os.environ.get("GISTCDS_UPDATE_SNAPSHOTS") == "1"
VIEW = "/cds-services/gist-patient-view"
SIGN = "/cds-services/gist-order-sign"


@pytest.fixture(scope="module")
def cds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db = tmp_path_factory.mktemp("cds") / "cds.db"
    with cds_app(f"sqlite:///{db}") as client:
        yield client


def _case_prefetch(name: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    from gistcds.fhir.write_patient import patient_to_bundle
    from gistcds.io.patient_json import patient_from_obj

    case = json.loads((SHARED_CASES / f"{name}.json").read_text())
    bundle = patient_to_bundle(patient_from_obj({**case["patient"], **changes}))
    data = prefetch(bundle)
    return str(data["patient"]["id"]), data


def test_discovery_shape(cds: Any) -> None:
    r = cds.get("/cds-services")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    services = r.json()["services"]
    assert [(s["id"], s["hook"]) for s in services] == [
        ("gist-patient-view", "patient-view"),
        ("gist-order-sign", "order-sign"),
        ("gist-order-select", "order-select"),
    ]
    for s in services:
        assert {"hook", "id", "title", "description", "prefetch"} <= set(s)
        assert {"patient", "conditions", "observations"} <= set(s["prefetch"])
        assert {"medicationRequests", "medicationStatements"} <= set(s["prefetch"])
        assert all("{{context.patientId}}" in q for q in s["prefetch"].values())


def test_get_on_a_service_is_404(cds: Any) -> None:
    assert cds.get(VIEW).status_code == 404
    assert cds.post("/cds-services/no-such-service", json={}).status_code == 404


def test_malformed_json_is_400(cds: Any) -> None:
    r = cds.post(
        VIEW, content=b'{"hook": "patient-view",', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["message"] == "the body is not JSON"
    r = cds.post(VIEW, json={"hook": "patient-view", "context": {}})  # no hookInstance
    assert r.status_code == 400 and "hookInstance" in json.dumps(r.json()["problems"])
    r = cds.post(VIEW, json={**patient_view_call(prefetch()), "hook": "order-sign"})
    assert r.status_code == 400 and "patient-view" in r.json()["message"]
    r = cds.post(VIEW, json={**patient_view_call(prefetch()), "context": {"userId": "x"}})
    assert r.status_code == 400 and "patientId" in r.json()["message"]


def test_missing_prefetch_without_fhir_server_is_412(cds: Any) -> None:
    r = cds.post(VIEW, json=patient_view_call(None))
    assert r.status_code == 412
    assert "patient, conditions, observations" in r.json()["message"]
    partial = {k: v for k, v in prefetch().items() if k != "observations"}
    assert cds.post(VIEW, json=patient_view_call(partial)).status_code == 412
    other = patient_view_call(prefetch())
    other["context"]["patientId"] = "someone-else"
    assert cds.post(VIEW, json=other).status_code == 400


def test_patient_view_gives_exactly_the_expected_cards(cds: Any) -> None:
    """The worked example (shared/examples/fhir, interop.md section 5): KIT exon 11 on
    imatinib, Choi PR with RECIST SD at week 12 -> continue imatinib 400 mg."""
    r = cds.post(VIEW, json=patient_view_call(prefetch()))
    assert r.status_code == 200, r.text
    body = r.json()
    if UPDATE:
        SNAPSHOT.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    assert body == json.loads(SNAPSHOT.read_text()), "cards differ from the snapshot"
    cards = body["cards"]
    example = json.loads((FHIR_EXAMPLES / "kit11-metastatic.cds-hooks-response.json").read_text())
    assert cards[0]["summary"].startswith(example["cards"][0]["summary"].split("; ")[0])
    for card in cards:
        assert len(card["summary"]) < 140 and card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"] and card["links"][0]["type"] == "smart"
        assert card["links"][0]["url"] == APP_URL
    again = cds.post(VIEW, json=patient_view_call(prefetch())).json()
    assert again == body  # uuids depend on the hookInstance only


def test_patient_without_gist_gets_no_cards(cds: Any) -> None:
    data = {
        "patient": {"resourceType": "Patient", "id": "pt-0001", "gender": "female"},
        "conditions": None,
        "observations": None,
    }
    r = cds.post(VIEW, json=patient_view_call(data))
    assert r.status_code == 200 and r.json() == {"cards": []}


def _order_call(pid: str, data: dict[str, Any], draft: dict[str, Any], hook: str) -> Any:
    return {
        "hook": hook,
        "hookInstance": HOOK_INSTANCE,
        "context": {"userId": "Practitioner/dr-1", "patientId": pid, "draftOrders": draft},
        "prefetch": data,
    }


def test_order_sign_imatinib_for_d842v_is_critical_with_a_replacement(cds: Any) -> None:
    """PDGFRA D842V is resistant to imatinib (shared case pdgfra-d842v-first-line)."""
    pid, data = _case_prefetch("pdgfra-d842v-first-line")
    r = cds.post(SIGN, json=_order_call(pid, data, draft_bundle("imatinib", 400), "order-sign"))
    assert r.status_code == 200, r.text
    first = r.json()["cards"][0]
    assert first["indicator"] == "critical" and "imatinib" in first["summary"]
    action = first["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    assert action["resource"]["medicationCodeableConcept"]["text"] == "avapritinib"
    assert first["selectionBehavior"] == "at-most-one"


def test_order_sign_needs_the_medication_lists_and_draft_orders(cds: Any) -> None:
    pid, data = _case_prefetch("interaction-carbamazepine")
    no_meds = {k: v for k, v in data.items() if not k.startswith("medication")}
    call = _order_call(pid, no_meds, draft_bundle("imatinib", 400), "order-sign")
    r = cds.post(SIGN, json=call)
    assert r.status_code == 412 and "medicationRequests" in r.json()["message"]
    call = _order_call(pid, data, draft_bundle("imatinib", 400), "order-sign")
    r = cds.post(SIGN, json=call)
    assert any("CYP3A4" in c["detail"] for c in r.json()["cards"])
    call["context"].pop("draftOrders")
    assert cds.post(SIGN, json=call).status_code == 400


def test_order_sign_organ_function_and_pregnancy(cds: Any) -> None:
    """Label limits reach the card through the record sent as FHIR: regorafenib with
    severe hepatic impairment (Child-Pugh C) is not recommended by the label; TKIs in
    pregnancy (knowledge base rules, with their sources)."""
    pid, data = _case_prefetch("third-line", hepatic_impairment="severe")
    call = _order_call(pid, data, draft_bundle("regorafenib", 160), "order-sign")
    cards = cds.post(SIGN, json=call).json()["cards"]
    assert cards[0]["indicator"] == "critical"
    assert "severe hepatic impairment" in cards[0]["summary"]
    pid, data = _case_prefetch("kit11-first-line", sex="female", pregnant=True)
    call = _order_call(pid, data, draft_bundle("imatinib", 400), "order-sign")
    cards = cds.post(SIGN, json=call).json()["cards"]
    assert any(c["indicator"] == "critical" and "pregnan" in c["detail"].lower() for c in cards)


def test_order_sign_other_dose_suggests_the_recommended_one(cds: Any) -> None:
    """The worked example's first option is imatinib 400 mg daily; an 800 mg order gets a
    warning and a suggestion that updates the draft to 400 mg once daily."""
    call = _order_call(
        "pt-0001", prefetch(), draft_bundle("imatinib", 400, per_day=2), "order-sign"
    )
    cards = cds.post(SIGN, json=call).json()["cards"]
    (dose,) = [c for c in cards if c["source"]["topic"]["code"] == "dose"]
    assert dose["indicator"] == "warning" and "ordered 800 mg/day" in dose["summary"]
    action = dose["suggestions"][0]["actions"][0]
    assert action["type"] == "update" and action["resource"]["id"] == "draft-1"
    assert action["resource"]["dosageInstruction"] == [{"text": "400 mg once daily"}]


def test_order_select_checks_only_the_selected_orders(cds: Any) -> None:
    pid, data = _case_prefetch("pdgfra-d842v-first-line")
    draft = draft_bundle("imatinib", 400)
    call = _order_call(pid, data, draft, "order-select")
    call["context"]["selections"] = ["MedicationRequest/other"]
    r = cds.post("/cds-services/gist-order-select", json=call)
    assert r.status_code == 200 and r.json() == {"cards": []}
    call["context"]["selections"] = ["MedicationRequest/draft-1"]
    r = cds.post("/cds-services/gist-order-select", json=call)
    assert r.json()["cards"][0]["indicator"] == "critical"
    assert cds.post(SIGN, json=call).json() == r.json()  # gist-order-sign answers it too


def test_feedback_is_kept_in_the_audit_log(cds: Any) -> None:
    item = {
        "card": "a6ec3e1c-0000-4000-8000-000000000001",
        "outcome": "overridden",
        "overrideReason": {
            "reason": {"code": "mdt-decision", "system": "http://example.org/x", "display": "MDT"},
            "userComment": "discussed at MDT",
        },
        "outcomeTimestamp": "2026-11-29T08:00:00Z",
    }
    r = cds.post(f"{VIEW}/feedback", json={"feedback": [item]})
    assert r.status_code == 200
    accepted = {**item, "outcome": "accepted", "overrideReason": None}
    r = cds.post(f"{VIEW}/feedback", json={"feedback": [accepted]})
    assert r.status_code == 400 and "acceptedSuggestions" in r.json()["message"]
    accepted["acceptedSuggestions"] = [{"id": "s-1"}]
    assert cds.post(f"{VIEW}/feedback", json={"feedback": [accepted]}).status_code == 200
    rows = [x for x in cds.store.iter_audit() if x["action"] == "cds.feedback"]
    assert [x["detail"]["card_outcome"] for x in rows] == ["overridden", "accepted"]
    assert rows[0]["detail"]["override_reason"]["code"] == "mdt-decision"
    assert rows[0]["detail"]["has_comment"] is True
    assert "discussed" not in json.dumps(rows)  # free text is not kept
    assert rows[1]["detail"]["accepted_suggestions"] == ["s-1"]
    assert rows[0]["actor"] == "cds:open"
    assert cds.post(VIEW, json=patient_view_call(prefetch())).status_code == 200
    calls = [x for x in cds.store.iter_audit() if x["action"] == "cds.patient-view"]
    assert calls and calls[-1]["patient_id"] == "pt-0001"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(["patient", "conditions", "observations", "medicationRequests", "x"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hook=st.sampled_from(["patient-view", "order-sign", "order-select", "other"]),
    context=st.dictionaries(
        st.sampled_from(["patientId", "userId", "draftOrders", "selections"]), _JSON, max_size=4
    ),
    pre=st.none() | st.dictionaries(_KEYS, _JSON, max_size=5),
    service=st.sampled_from(["gist-patient-view", "gist-order-sign", "gist-order-select"]),
    with_id=st.booleans(),
)
def test_any_request_gets_a_clear_answer_never_a_500(
    cds: Any, hook: str, context: dict[str, Any], pre: Any, service: str, with_id: bool
) -> None:
    """Whatever a client sends, the answer is a CDS answer or a 4xx naming the fault."""
    if with_id:
        context["patientId"] = "pt-0001"
        hook = {"gist-patient-view": "patient-view"}.get(service, "order-select")
        given_pre = pre if isinstance(pre, dict) else {}
        pre = {
            "patient": {"resourceType": "Patient", "id": "pt-0001"},
            **{k: given_pre.get(k) for k in ("conditions", "observations")},
            "medicationRequests": None,
            "medicationStatements": None,
        }
        if not isinstance(context.get("draftOrders"), dict):
            context["draftOrders"] = draft_bundle("imatinib", 400)
    call = {"hook": hook, "hookInstance": "h-1", "context": context, "prefetch": pre}
    r = cds.post(f"/cds-services/{service}", json=call)
    assert r.status_code in (200, 400, 412, 422), r.text
    if r.status_code != 200:
        assert r.json()["message"]
