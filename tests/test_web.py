"""The web app without a browser (the browser tests are tests/e2e, run by ``make e2e``):
sign-in and CSRF, the form's JSON paths and the CLI's messages at their fields, import and
export, the assessment page, history and comparison, and the researcher's limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.errors import InputError
from gistcds.io.patient_json import patient_from_obj
from gistcds.web import from_document, to_document
from gistcds.web.form import add_item, item_count, remove_item
from service_helpers import EXAMPLES, bearer, make_token

KIT11 = json.loads((EXAMPLES / "metastatic-kit11-untreated.json").read_text())


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    from gistcds.api import Settings, create_app

    application = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'web.db'}", warm_up=False))
    application.state.tokens = {
        role: make_token(application.state.store, f"web-{role}", role)
        for role in ("clinician", "researcher", "admin")
    }
    yield application
    application.state.store.close()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert match, "no CSRF field on the page"
    return match[1]


def signed_in(app: Any, role: str = "clinician") -> tuple[TestClient, str]:
    client = TestClient(app)
    csrf = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"csrf": csrf, "token": app.state.tokens[role]})
    assert answer.status_code == 200
    return client, csrf


def assess(client: TestClient, csrf: str, document: dict[str, Any]) -> str:
    data = {**from_document(document), "csrf": csrf, "_op": "assess"}
    answer = client.post("/form", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    return str(answer.headers["location"])


def test_pages_need_sign_in_and_the_cookie_is_httponly_and_strict(app: Any) -> None:
    client = TestClient(app)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    csrf = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"csrf": csrf, "token": "gcds_nope"})
    assert wrong.status_code == 401
    assert 'id="token-error">unknown or revoked token<' in wrong.text
    right = client.post(
        "/login",
        data={"csrf": csrf, "token": app.state.tokens["clinician"]},
        follow_redirects=False,
    )
    cookie = right.headers["set-cookie"]
    assert "gistcds_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/")
    assert page.status_code == 200 and "New assessment" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_forms_without_the_csrf_token_or_from_another_site_are_refused(app: Any) -> None:
    client, csrf = signed_in(app)
    data = {**from_document(KIT11), "_op": "assess"}
    assert client.post("/form", data=data).status_code == 403
    assert client.post("/form", data={**data, "csrf": "0" * 64}).status_code == 403
    other = client.post("/form", data={**data, "csrf": csrf}, headers={"Origin": "https://evil"})
    assert other.status_code == 403
    assert app.state.store.patient_assessments(KIT11["id"], 10) == []


def test_the_form_holds_every_example_patient_exactly() -> None:
    for path in sorted(EXAMPLES.glob("*.json")):
        document = json.loads(path.read_text())
        want = patient_from_obj(document).model_dump(mode="json")
        got = patient_from_obj(to_document(from_document(document))).model_dump(mode="json")
        assert got == want, path.name


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 6), st.data())
def test_adding_then_removing_an_item_gives_the_form_back(n: int, data: st.DataObject) -> None:
    flat: dict[str, str] = {}
    for i in range(n):
        flat[f"therapy_lines[{i}].drug"] = f"drug{i}"
    grown = add_item(flat, "therapy_lines")
    assert item_count(grown, "therapy_lines") == n + 1
    assert remove_item(grown, f"therapy_lines[{n}]") == flat
    if n:
        k = data.draw(st.integers(0, n - 1))
        shrunk = remove_item(flat, f"therapy_lines[{k}]")
        drugs = [shrunk[f"therapy_lines[{i}].drug"] for i in range(n - 1)]
        assert drugs == [f"drug{i}" for i in range(n) if i != k]


def _cli_message(document: dict[str, Any], path: str) -> str:
    with pytest.raises(InputError) as caught:
        patient_from_obj(document)
    return next(p.message for p in caught.value.problems if p.path == path)


def test_an_invalid_value_is_shown_at_its_field_in_the_cli_s_words(app: Any) -> None:
    client, csrf = signed_in(app)
    flat = from_document(KIT11)
    flat["primary.size_cm"] = "-3"
    flat["imaging[0].lesions[1].longest_diameter_mm"] = "abc"
    answer = client.post("/form", data={**flat, "csrf": csrf, "_op": "assess"})
    assert answer.status_code == 422
    for path, field_id in [
        ("primary.size_cm", "f-primary-size-cm"),
        ("imaging[0].lesions[1].longest_diameter_mm", "f-imaging-0-lesions-1-longest-diameter-mm"),
    ]:
        message = _cli_message(to_document(flat), path)
        shown = re.search(rf'<p class="field-error" id="e-{field_id}">([^<]*)</p>', answer.text)
        assert shown, field_id
        assert shown[1] == message.replace(">", "&gt;").replace('"', "&#34;")
        assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', answer.text, re.S)


def test_assessing_stores_and_the_page_leads_with_the_summary(app: Any) -> None:
    client, csrf = signed_in(app)
    where = assess(client, csrf, KIT11)
    page = client.get(where)
    assert page.status_code == 200
    tiles = page.text.split('class="summary"')[1].split("</section>")[0]
    assert "Imatinib 400" in tiles and "KIT exon 11" in tiles
    assert re.search(r'class="cite">\[<a href="#ref-\d+">', tiles)  # cited as in the report
    # the summary once (issue 19): the strip, not the report's own Summary section again
    assert page.text.count('id="summary"') == 1 and page.text.count("Summary</h2>") == 1
    assert 'href="#summary"' in page.text  # the report's contents link lands on the strip
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/' in page.text
    assert "<svg" in page.text
    pdf = client.get(where + "/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_variant_check_api_reads_as_the_genotype_engine(app: Any) -> None:
    client = TestClient(app)
    url = "/api/v1/variants/check"
    assert client.get(url, params={"gene": "KIT", "hgvs_p": "D816V"}).status_code == 401
    head = bearer(app.state.tokens["clinician"])
    d842v = client.get(url, params={"gene": "PDGFRA", "hgvs_p": "D842V"}, headers=head).json()
    assert d842v["recognised"] and d842v["exon"] == 18 and d842v["genotype_class"] == "PDGFRA_D842V"
    bad = client.get(url, params={"gene": "KIT", "hgvs_p": "p.Xyz12"}, headers=head).json()
    assert not bad["recognised"] and "not valid" in bad["message"]


def test_fhir_export_then_import_fills_the_same_form(app: Any) -> None:
    client, csrf = signed_in(app)
    data = {**from_document(KIT11), "csrf": csrf, "_op": "export-fhir"}
    bundle = client.post("/form", data=data)
    assert bundle.status_code == 200 and bundle.json()["resourceType"] == "Bundle"
    files = {"file": ("bundle.json", bundle.content, "application/json")}
    form = client.post("/import", data={"csrf": csrf}, files=files)
    assert form.status_code == 200
    assert 'name="molecular.variants[0].hgvs_p" value="p.W557_K558del"' in form.text
    assert 'name="primary.size_cm" value="8.5"' in form.text
    broken = client.post("/import", data={"csrf": csrf}, files={"file": ("x.json", b"{", "a/b")})
    assert broken.status_code == 422 and "problem" in broken.text


def test_compare_says_what_changed_and_why(app: Any) -> None:
    client, csrf = signed_in(app)
    assess(client, csrf, KIT11)
    line = {"drug": "imatinib", "dose_mg_per_day": 400, "setting": "metastatic"}
    later = {**KIT11, "therapy_lines": [{**line, "start": "2025-03-20"}]}
    assess(client, csrf, later)
    history = client.get(f"/patients/{KIT11['id']}/history")
    ids = re.findall(r'name="id" value="([^"]+)"', history.text)
    assert len(ids) == 2
    page = client.get("/compare", params=[("id", ids[0]), ("id", ids[1])])
    assert page.status_code == 200
    assert "New therapy line: imatinib from 2025-03-20" in page.text


def test_a_researcher_sees_only_de_identified_records(app: Any) -> None:
    client, csrf = signed_in(app)
    where = assess(client, csrf, KIT11)
    researcher, _ = signed_in(app, "researcher")
    listing = researcher.get("/research")
    assert listing.status_code == 200 and "S-" in listing.text
    assert "KIT exon11" in listing.text
    assert KIT11["id"] not in listing.text
    for url in (where, where + "/report.pdf", f"/patients/{KIT11['id']}/history", "/"):
        refused = researcher.get(url)
        assert refused.status_code == 403, url
        assert KIT11["id"] not in refused.text
    assert client.get("/research").status_code == 403


_PAGES = [
    "/", "/account", "/assessments/x", "/assessments/x/report.pdf", "/patients/p/history",
    "/compare?id=a&id=b", "/research", "/form/hgvs",
]  # fmt: skip


@pytest.mark.parametrize("url", _PAGES)
def test_every_page_sends_a_stranger_to_sign_in(app: Any, url: str) -> None:
    answer = TestClient(app).get(url, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_an_unknown_assessment_is_the_404_page_wherever_it_is_asked_for(app: Any) -> None:
    client, _ = signed_in(app)
    for url in ("/assessments/nope", "/assessments/nope/report.pdf", "/compare?id=a&id=b"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "No assessment with this id." in answer.text


def test_the_sign_in_prelude_and_the_lookup_are_written_once() -> None:
    """Each handler calls ``require`` (which raises; ``guarded`` answers) and ``stored`` (the
    REST routes' lookup): no handler repeats "if isinstance(caller, Response): return
    caller", and the pages have no 404 lookup of their own (the form's "start from this
    assessment" link in routes_pages stays lenient: an unknown id gives an empty form)."""
    import inspect

    from gistcds.web import routes_pages, routes_views

    for module in (routes_pages, routes_views):
        assert "isinstance(caller, Response)" not in inspect.getsource(module), module.__name__
    assert "get_assessment(" not in inspect.getsource(routes_views)
