"""A real browser against a real server: the portal served by werkzeug in a thread, driven by
the system Chromium through Playwright. Skipped, with the reason, where Chromium is absent."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from alembic import command
from werkzeug.serving import make_server

from portal import create_app, db
from portal.demo import DEMO_PASSWORD, load_demo
from tests.conftest import alembic_config

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.no_db


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("system Chromium not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'portal.db'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app({"SECRET_KEY": "browser-tests", "SQLALCHEMY_DATABASE_URL": url,
                      "UPLOAD_FOLDER": str(folder / "uploads"), "SMTP_HOST": None})
    with app.app_context():
        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.session.remove()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL")
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
