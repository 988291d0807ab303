"""A real Chromium (Debian's package) driven by Playwright: headless, no sandbox, no network."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would then refuse database
# access from fixtures, though nothing here is concurrent.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]  # fmt: skip


LOCAL = ("file:", "data:", "http://localhost", "http://127.0.0.1")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run ./scripts/test.sh, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    yield from _page(browser, bypass_csp=False)


@pytest.fixture
def a11y_page(browser):  # type: ignore[no-untyped-def]
    """A page whose CSP lets the test inject axe-core (the app's own CSP forbids it)."""
    yield from _page(browser, bypass_csp=True)


def _page(browser, bypass_csp: bool):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)
    # Nothing leaves the machine: every request that is not a local file is refused.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        LOCAL) else route.abort())  # fmt: skip
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _close_connections_opened_under_playwright(django_db_blocker) -> Iterator[None]:
    """Playwright's event loop gives database work in these tests a connection of its own
    context; close it once the test (and its rollback) is done, or the test database's
    teardown finds it still open."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        connections.close_all()
