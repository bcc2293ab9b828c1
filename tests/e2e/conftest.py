"""Browser tests against the real app, served the way `make run` serves it.

One server per session (start-up costs seconds): ``flask setup`` then ``flask serve``
in a subprocess with its own instance folder and database: a SQLite file, or with
``TEST_DATABASE_URL`` a sibling PostgreSQL database named ``<name>_e2e`` so the
integration suite's database is never touched. Debian chromium drives it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.run_backends import postgres_available
from tests.settings import reset_database, test_env

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 30.0


def pytest_collection_modifyitems(items):
    """Everything in this folder is a browser test, so `-m "not e2e"` leaves it all out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def e2e_database_url(tmp_dir: Path) -> str:
    """SQLite in the temp folder, or TEST_DATABASE_URL's database + ``_e2e`` (created if missing)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir / 'e2e.db'}"
    from sqlalchemy.engine import make_url

    parsed = make_url(base)
    url = parsed.set(database=f"{parsed.database}_e2e").render_as_string(hide_password=False)
    available, reason = postgres_available(url)
    if not available:
        pytest.fail(f"PostgreSQL for the e2e database is not reachable: {reason}")
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(command: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "run", command]


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    """Poll /health; fail with the server's output if it dies or stays unhealthy."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:  # URLError, refused, or a read timeout while a first job run holds SQLite's lock
            pass  # not listening yet, or 503 while the database warms up
        time.sleep(0.1)
    pytest.fail(f"the server at {url} did not become healthy:\n{log.read_text()}")


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory) -> str:
    """The live server's database, emptied before the server sets it up: tests may read it, and seed
    what the demo lacks through the domain's functions."""
    url = e2e_database_url(tmp_path_factory.mktemp("e2e-db"))
    reset_database(url)
    return url


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, live_database_url) -> Iterator[str]:
    """Base URL of the real app; the server is stopped at the end, also after a failure."""
    tmp_dir = tmp_path_factory.mktemp("e2e")
    database_url = live_database_url
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # jobs stay in SQLite
    env = {
        **inherited,
        **test_env(tmp_dir, database_url),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        # Every test logs in through the form from 127.0.0.1: the default 10/minute would lock us out.
        "AUTH_RATE_LIMIT": "1000 per minute",
    }
    setup = subprocess.run(flask("setup"), cwd=ROOT, env=env, capture_output=True, text=True)
    if setup.returncode:
        pytest.fail(f"flask setup failed ({setup.returncode}):\n{setup.stdout}\n{setup.stderr}")
    log = tmp_dir / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(flask("serve"), cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser():
    """Debian chromium (Playwright cannot download its own here); skipped locally if absent, fatal in CI."""
    if not CHROMIUM.exists():
        reason = f"browser tests need Debian chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_locale() -> str:
    """The browser's language (sent as Accept-Language); a test overrides it with parametrize."""
    return "zh-CN"


@pytest.fixture
def page(browser, live_server, browser_locale):
    """A fresh browser context per test: no cookies or session language carried over."""
    context = browser.new_context(base_url=live_server, locale=browser_locale)
    yield context.new_page()
    context.close()
