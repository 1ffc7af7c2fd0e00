"""Playwright on the system Chromium, a real sign-in (password + TOTP), and axe-core checks.

Fixtures are re-exported from tests/conftest.py. Where Chromium is missing the browser tests
skip, except when BROWSER_TESTS_REQUIRED is set (CI), where they fail.
"""

import os
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .environment import artifacts_dir
from .factories import TEST_PASSWORD

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def _chromium() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


def _required() -> bool:
    return os.environ.get("BROWSER_TESTS_REQUIRED", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def _browser():
    executable = _chromium()
    if executable is None:
        if _required():
            pytest.fail("Chromium is not installed but browser tests are required (CI).")
        pytest.skip(
            "Chromium is not installed: browser tests skipped (install with apt-get install chromium)."
        )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser, request):
    context = _browser.new_context(bypass_csp=True, locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        shot = artifacts_dir() / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"Screenshot of the failed page: {shot}")
    context.close()


def totp_now(user) -> str:
    """The current code of the user's authenticator (enrolling one, as the user would, if needed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(page, live_server_url: str, user, password: str = TEST_PASSWORD) -> None:
    """Sign in as a person would: email and password, then the security code.

    A user without an authenticator enrols one on the way (scanning = reading the key shown).
    """
    page.goto(f"{live_server_url}/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if "/set-up-authenticator/" in page.url:
        key = page.locator("code").first.inner_text().replace(" ", "")
        import base64

        from django_otp.oath import TOTP as Totp

        totp = Totp(base64.b32decode(key), 30, 0, 6, 0)
        page.get_by_label("Security code").fill(f"{totp.token():06d}")
        page.get_by_role("button", name="Confirm and continue").click()
        page.get_by_role("link", name="I have kept my codes — continue").click()
        return
    for attempt in (1, 2):
        _wait_for_fresh_step(user)
        page.get_by_label("Security code").fill(totp_now(user))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        if attempt == 1 and page.get_by_text("has already been used").count():
            # The step's code was taken after all (a sign-in a moment before, its row read
            # before it was saved): a person waits for the next code, and so does the test.
            time.sleep(30 - time.time() % 30 + 0.5)
            continue
        break
    page.wait_for_url(f"{live_server_url}/")


def _wait_for_fresh_step(user) -> None:
    """TOTP codes are single-use: if this 30-second step's code was already used, wait."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device and device.last_t is not None and device.last_t >= int(time.time()) // device.step:
        time.sleep(device.step - time.time() % device.step + 0.5)


def assert_accessible(page) -> None:
    """axe-core on the page as it stands: no serious or critical violations (WCAG 2.2 AA rules)."""
    page.evaluate(AXE_PATH.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )
    assert not bad, f"Accessibility violations on {page.url}:\n{details}"
