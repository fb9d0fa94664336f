"""Browser tests of the web app: ``gistcds serve`` in a subprocess, Debian's Chromium driven
by Playwright for Python, axe-core (``npm ci`` in this folder) injected into every page.

Run by ``make e2e`` (``GISTCDS_E2E=1``); skipped in ``make test``. Screenshots of every page
go to ``tests/e2e/artifacts/`` (not committed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service_helpers import Server, make_token

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("GISTCDS_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("GISTCDS_E2E"):
        return
    skip = pytest.mark.skip(reason="browser tests run with make e2e (GISTCDS_E2E=1)")
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


class Site:
    """The running service and its accounts."""

    def __init__(self, server: Server, tokens: dict[str, str]) -> None:
        self.server, self.tokens = server, tokens

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from gistcds.store import Store

    folder = tmp_path_factory.mktemp("e2e")
    db = f"sqlite:///{folder / 'e2e.db'}"
    store = Store.open(db, migrate=True)
    tokens = {role: make_token(store, f"e2e-{role}", role) for role in ("clinician", "researcher")}
    store.close()
    server = Server(db, folder / "server.log").start(timeout=120)
    try:
        yield Site(server, tokens)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: make e2e installs it (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    context = browser.new_context(
        base_url=site.url, viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    pg = context.new_page()
    yield pg
    context.close()


def sign_in(page: Any, site: Site, role: str = "clinician") -> None:
    page.goto("/login")
    page.get_by_label("Access token").fill(site.tokens[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def shot(page: Any, name: str, full: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


def axe_serious(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: make e2e runs npm ci in tests/e2e")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
    )
    found = [v for v in result if v["impact"] in ("serious", "critical")]
    if found:
        print(json.dumps(found, indent=1))
    return found
