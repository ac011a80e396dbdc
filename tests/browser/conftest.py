"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright.

Playwright never downloads a browser here: it launches the ``chromium`` on ``PATH``. Without
one, the tests are skipped with a reason saying how to install it, unless
``REQUIRE_BROWSER_TESTS=1`` (``.ci/run`` sets it), which makes that a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"
INSTALL = "apt-get install chromium (Debian; .ci/run installs it)"


def _missing(reason: str) -> NoReturn:
    if REQUIRED:
        pytest.fail(f"{reason}; REQUIRE_BROWSER_TESTS=1 makes the browser tests mandatory")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per module."""
    executable = shutil.which("chromium")
    if executable is None:
        _missing(f"browser tests need Chromium on PATH: {INSTALL}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("browser tests need Playwright: make install (the dev extra pins it)")
    with sync_playwright() as playwright:
        # Without Chromium's sandbox (Playwright's default, --no-sandbox): as root, as in CI,
        # Chromium cannot start with it. The pages are the suite's own.
        launched = playwright.chromium.launch(executable_path=executable, chromium_sandbox=False)
        try:
            yield launched
        finally:
            launched.close()
