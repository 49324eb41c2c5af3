"""A real browser for tests: Debian's Chromium, headless, driven by Selenium through Debian's
ChromeDriver. Both are given by path, so Selenium Manager never looks for (or downloads) a
driver or a browser of its own: the tests reach nothing but 127.0.0.1.

Where Chromium or ChromeDriver is not installed, the test is skipped saying how to install
them (a newcomer's `uv run pytest` works without a browser), or fails when
`REQUIRE_BROWSER=1` (CI: `.ci/run` installs them and sets it, so that tier is never skipped),
as `tests.support.postgres.cluster_or_skip` does for PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "sudo apt-get install chromium chromium-driver"
WIDTH, HEIGHT = 1280, 1600

FLAGS = (
    "--headless=new",
    "--no-sandbox",  # tests run as root in CI, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers have a small /dev/shm
    "--disable-quic",
    "--no-first-run",
    # No connections of Chromium's own: the machine's network is closed beyond loopback.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)


class BrowserMissing(RuntimeError):
    """Chromium or ChromeDriver is not installed."""


def find_browser() -> tuple[Path, Path]:
    """Chromium and ChromeDriver, as Debian's packages install them."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        raise BrowserMissing(
            f"the browser tests need Chromium and ChromeDriver ({' and '.join(missing)} not"
            f" found): install Debian's packages: {INSTALL}"
        )
    return CHROMIUM, CHROMEDRIVER


def chrome_options(chromium: Path, profile: Path, *, width: int, height: int) -> Options:
    """Headless Chromium with a fresh profile in `profile`, keeping the console's messages
    (`driver.get_log("browser")`)."""
    options = Options()
    options.binary_location = str(chromium)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


@contextmanager
def chrome(*, width: int = WIDTH, height: int = HEIGHT) -> Iterator[webdriver.Chrome]:
    """A headless Chromium of its own (a new empty profile, thrown away after), quit when the
    block ends, however it ends. Raises `BrowserMissing` where it is not installed."""
    chromium, chromedriver = find_browser()
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile:
        service = Service(executable_path=str(chromedriver))
        options = chrome_options(chromium, Path(profile), width=width, height=height)
        driver = webdriver.Chrome(service=service, options=options)
        try:
            driver.set_page_load_timeout(15)
            yield driver
        finally:
            driver.quit()


@contextmanager
def chrome_or_skip(*, width: int = WIDTH, height: int = HEIGHT) -> Iterator[webdriver.Chrome]:
    """`chrome()`; where Chromium or ChromeDriver is not installed, the test is skipped saying
    how to install them, or fails when `REQUIRE_BROWSER=1` (CI)."""
    import pytest

    missing = None
    try:
        find_browser()
    except BrowserMissing as err:
        missing = str(err)
    if missing is not None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    with chrome(width=width, height=height) as driver:
        yield driver
