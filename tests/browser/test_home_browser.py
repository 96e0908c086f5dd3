"""The front door in a real browser: it renders under the Content-Security-Policy and its links work."""

import pytest

# The browser fixtures of the admin's browser tests: one headless chromium, a page that records
# CSP violations and any request to another host.
from tests.browser.test_admin_browser import chromium, offline_page, shot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_front_door_renders_under_the_csp_and_leads_to_the_api_docs(offline_page, live_server):  # noqa: F811
    page = offline_page
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "casetracker"
    # The stylesheet applied: the page is laid out as a narrow column, not the browser's defaults.
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") != "none"
    shot(page, "20-front-door")
    assert page.csp_violations == [], page.csp_violations
    assert page.outside_requests == [], page.outside_requests
    assert page.page_errors == [], page.page_errors

    page.get_by_role("link", name="API documentation").click()
    page.wait_for_url("**/api/docs/")
    page.locator(".swagger-ui").wait_for()
    page.wait_for_load_state("networkidle")
    page.goto("/")
    page.get_by_role("link", name="Sign in to the back office").click()
    page.wait_for_url("**/admin/login/**")
    # Let every request finish before the test database is flushed (SQLite is shared with the server's threads).
    page.wait_for_load_state("networkidle")
