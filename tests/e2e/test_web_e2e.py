"""The web app in a real browser (issue 15): sign in, fill the form, see the assessment,
field-level errors, history and comparison, the PDF, the researcher's view, and axe-core
on every page. Clinical expectations are those of the knowledge base: a metastatic KIT
exon 11 GIST -> imatinib 400 mg/day first (Debiec-Rychter 2006, EORTC 62005, and the
ESMO guideline); PDGFRA D842V -> avapritinib, imatinib not recommended (Heinrich 2020,
NAVIGATOR; Corless 2005)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Site, axe_serious, shot, sign_in


def fill(page: Any, name: str, value: str) -> None:
    page.locator(f"[name='{name}']").fill(value)


def choose(page: Any, name: str, value: str) -> None:
    page.locator(f"[name='{name}']").select_option(value)


def add(page: Any, group: str) -> None:
    page.locator(f"button[value='add:{group}']").click()
    page.wait_for_load_state("networkidle")


def fill_metastatic_patient(page: Any, pid: str, gene: str, hgvs: str) -> None:
    page.goto("/")
    fill(page, "id", pid)
    fill(page, "age_years", "61")
    choose(page, "sex", "female")
    fill(page, "ecog", "1")
    choose(page, "primary.site", "stomach")
    fill(page, "primary.size_cm", "8.5")
    fill(page, "primary.mitoses.count", "12")
    choose(page, "primary.mitoses.per", "5mm2")
    fill(page, "molecular.tested_genes", "KIT, PDGFRA")
    add(page, "molecular.variants")
    fill(page, "molecular.variants[0].gene", gene)
    page.locator("[name='molecular.variants[0].hgvs_p']").press_sequentially(hgvs, delay=20)
    fill(page, "metastatic.diagnosed", "2025-03-10")
    fill(page, "metastatic.sites", "liver, peritoneum")


def assess(page: Any) -> None:
    page.get_by_role("button", name="Assess").first.click()
    page.wait_for_url(re.compile(r"/assessments/"))


def test_sign_in(page: Any, site: Site) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    assert axe_serious(page) == []
    page.get_by_label("Access token").fill("gcds_wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#token-error")).to_have_text("unknown or revoked token")
    shot(page, "01-sign-in-error")
    sign_in(page, site)
    expect(page.get_by_role("heading", name="New assessment")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "gistcds_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("gistcds_session") < 0


def test_kit_exon11_metastatic_gets_imatinib_400_first(page: Any, site: Site) -> None:
    sign_in(page, site)
    fill_metastatic_patient(page, "e2e-kit11", "KIT", "p.W557_K558del")
    check = page.locator("#c-f-molecular-variants-0-hgvs-p")
    expect(check).to_contain_text("exon 11")
    shot(page, "02-form")
    assert axe_serious(page) == []
    assess(page)
    first = page.locator(".summary .tile").filter(has_text="First option")
    expect(first).to_contain_text("Imatinib")
    expect(first).to_contain_text("400 mg")
    genotype = page.locator(".summary .tile").filter(has_text="Genotype class")
    expect(genotype).to_contain_text("KIT exon 11")
    expect(page.locator("#references a[href^='https://']").first).to_be_visible()
    expect(page.locator(".report svg").first).to_be_visible()
    # the patient section: the record as the assessment carries it (Assessment.record)
    patient = page.locator("section#patient")
    expect(patient).to_contain_text("e2e-kit11")
    expect(patient).to_contain_text("stomach, 8.5 cm, 12 mitoses per 5 mm²")
    expect(patient).to_contain_text("liver, peritoneum (diagnosed 2025-03-10)")
    expect(patient).to_contain_text("KIT, PDGFRA")
    shot(page, "03-assessment")
    page.set_viewport_size({"width": 1920, "height": 1080})
    shot(page, "03-assessment-projector", full=False)
    assert axe_serious(page) == []


def test_keyboard_and_hgvs_checked_as_you_type(page: Any, site: Site) -> None:
    sign_in(page, site)
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    add(page, "molecular.variants")
    expect(page.locator("[name='molecular.variants[0].gene']")).to_be_focused()
    page.keyboard.type("KIT")
    page.locator("[name='molecular.variants[0].hgvs_p']").press_sequentially("p.Xyz12", delay=20)
    expect(page.locator("#c-f-molecular-variants-0-hgvs-p")).to_contain_text("not valid")


def test_invalid_value_message_at_the_field(page: Any, site: Site) -> None:
    sign_in(page, site)
    fill_metastatic_patient(page, "e2e-invalid", "KIT", "p.W557_K558del")
    fill(page, "primary.size_cm", "-3")
    page.get_by_role("button", name="Assess").first.click()
    error = page.locator("#e-f-primary-size-cm")
    expect(error).to_have_text(re.compile(r"must be > 0"))
    size = page.locator("[name='primary.size_cm']")
    expect(size).to_have_attribute("aria-invalid", "true")
    assert "e-f-primary-size-cm" in (size.get_attribute("aria-describedby") or "")
    expect(page.locator("#problems")).to_contain_text("primary.size_cm")
    shot(page, "04-form-error")
    assert axe_serious(page) == []


def test_pdgfra_d842v_gets_avapritinib_and_imatinib_warning(page: Any, site: Site) -> None:
    sign_in(page, site)
    fill_metastatic_patient(page, "e2e-d842v", "PDGFRA", "D842V")
    expect(page.locator("#c-f-molecular-variants-0-hgvs-p")).to_contain_text("exon 18")
    assess(page)
    expect(page.locator(".summary .tile").filter(has_text="First option")).to_contain_text(
        "Avapritinib"
    )
    caution = page.locator(".summary .tile").filter(has_text="Key caution")
    expect(caution).to_contain_text("imatinib is not recommended")
    shot(page, "05-assessment-d842v")


def test_history_and_compare(page: Any, site: Site) -> None:
    sign_in(page, site)
    fill_metastatic_patient(page, "e2e-history", "KIT", "p.W557_K558del")
    assess(page)
    page.get_by_role("link", name="Edit and reassess").click()
    add(page, "imaging")
    fill(page, "imaging[0].date", "2025-03-05")
    add(page, "imaging[0].lesions")
    fill(page, "imaging[0].lesions[0].id", "L1")
    fill(page, "imaging[0].lesions[0].organ", "liver")
    choose(page, "imaging[0].lesions[0].kind", "target")
    fill(page, "imaging[0].lesions[0].longest_diameter_mm", "52")
    assess(page)
    page.get_by_role("link", name="History").click()
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    shot(page, "06-history")
    assert axe_serious(page) == []
    page.get_by_role("button", name="Compare the two chosen").click()
    expect(page.locator(".reasons")).to_contain_text("New imaging time point 2025-03-05")
    shot(page, "07-compare")
    assert axe_serious(page) == []


def test_download_pdf(page: Any, site: Site) -> None:
    sign_in(page, site)
    fill_metastatic_patient(page, "e2e-pdf", "KIT", "p.W557_K558del")
    assess(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    path = info.value.path()
    assert path is not None
    with open(path, "rb") as f:
        head = f.read(5)
    assert head == b"%PDF-"
    assert info.value.suggested_filename.endswith(".pdf")


def test_researcher_cannot_see_the_identified_record(page: Any, site: Site) -> None:
    sign_in(page, site)
    fill_metastatic_patient(page, "e2e-secret-patient", "KIT", "p.W557_K558del")
    assess(page)
    record_url = page.url
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, site, "researcher")
    expect(page).to_have_url(re.compile(r"/research$"))
    expect(page.locator("table.list tbody tr").first).to_be_visible()
    assert "e2e-secret-patient" not in page.content()
    shot(page, "08-research")
    assert axe_serious(page) == []
    response = page.goto(record_url)
    assert response is not None and response.status == 403
    assert "e2e-secret-patient" not in page.content()
    response = page.goto("/patients/e2e-secret-patient/history")
    assert response is not None and response.status == 403


def test_import_then_export_the_patient_json(page: Any, site: Site) -> None:
    import json
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples/patients/metastatic-pdgfra-d842v.json"
    sign_in(page, site)
    page.goto("/")
    page.get_by_label("Import patient JSON or FHIR Bundle").set_input_files(str(example))
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state("networkidle")
    document = json.loads(example.read_text())
    expect(page.locator("[name='id']")).to_have_value(document["id"])
    with page.expect_download() as info:
        page.get_by_role("button", name="Export patient JSON").click()
    path = info.value.path()
    assert path is not None
    exported = json.loads(Path(path).read_text())
    from gistcds.io.patient_json import patient_from_obj

    assert patient_from_obj(exported) == patient_from_obj(document)
