"""The staff workflow in a real browser: Debian's chromium, headless, driven by Playwright.

The app is served by pytest-django's ``live_server`` with the Zhanaozen seed data. Nothing is
downloaded: Playwright drives ``/usr/bin/chromium`` (``make browser`` / ``.ci/run`` install
it with apt-get), and Swagger UI must render from the project's own static files.
Screenshots are kept in ``artifacts/screenshots/`` (gitignored) for people to look at.
"""

import os
import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from cases.models import Defendant, StatusChange
from casetracker.roles import EDITOR, SENIOR_EDITOR
from people.models import Person, PersonName

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A public-looking name for this machine, so Swagger UI behaves as on a real server
    # (it skips some remote calls for "localhost" pages).
    "--host-resolver-rules=MAP casetracker.test 127.0.0.1",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "a-long-passphrase-42"
PUBLIC_NAME = "casetracker.test"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", PUBLIC_NAME}

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def require_chromium(path: str = CHROMIUM) -> None:
    """Fail (never skip) when the browser is missing: CI must not pass without running these tests."""
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"{path} is missing: the browser tests drive Debian's chromium. "
            "Install it with `make browser` (or `apt-get install chromium`).",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def chromium():
    """One headless chromium for the module, stopped at its end."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code, so Django's async-safety check is lifted for this module.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def offline_page(chromium, live_server):
    """A fresh page whose every request is checked: anything not for this machine is blocked and recorded."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.outside_requests = []
    page.page_errors = []

    def only_this_machine(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            page.outside_requests.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_machine)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    # Anything the Content-Security-Policy blocks shows up in the console: collect it.
    page.csp_violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.csp_violations.append(message.text),
    )
    yield page
    context.close()


@pytest.fixture
def seeded(settings, monkeypatch):
    """The seed data, a Cyrillic variant of Kozlov's name, and the login lockout on (real requests)."""
    settings.AXES_ENABLED = True
    call_command("load_seed", verbosity=0)
    kozlov = Person.objects.get(name="Vladimir Kozlov")
    PersonName.objects.get_or_create(person=kozlov, name="Владимир Козлов", defaults={"language": "ru"})
    monkeypatch.setenv("CASETRACKER_STAFF_PASSWORD", PASSWORD)
    return kozlov


def make_staff(username: str, role: str):
    call_command("create_staff_user", username, role=role, interactive=False, stdout=StringIO())


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def two_factor_code(username: str) -> str:
    """What a user who must sign in with a second factor (Senior editors, superusers) types from their
    authenticator app: they get an app (a TOTP device) and this is the code it shows now."""
    from django.contrib.auth import get_user_model
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casetracker.accounts.two_factor import totp_device_create, two_factor_needed

    user = get_user_model().objects.get(username=username)
    if not two_factor_needed(user):
        return ""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device_create(
        user=user, confirmed=True
    )
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", two_factor_code(username))
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("#user-tools").inner_text().upper().find(username.upper()) >= 0


def test_staff_user_finds_kozlov_by_a_name_variant_records_a_sourced_status_change_and_sees_it_in_history(
    offline_page, seeded
):
    page = offline_page
    make_staff("editor", EDITOR)
    log_in(page, "editor")
    shot(page, "01-admin-index-editor")

    # Find the defendant by the Cyrillic spelling, in lower case.
    page.goto("/admin/cases/defendant/")
    page.fill("#searchbar", "козлов")
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r".*\?q="))
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Vladimir Kozlov" in rows.first.inner_text()
    shot(page, "02-defendant-found-by-cyrillic-variant")

    # Record a status change with a source on the defendant page.
    rows.first.locator("th a, td a").first.click()
    page.wait_for_url(re.compile(r".*/admin/cases/defendant/\d+/change/"))
    defendant = Defendant.objects.get(person=seeded)
    changes_before = StatusChange.objects.filter(defendant=defendant).count()
    new_row = page.locator("#status_changes-group tr.form-row:not(.has_original):not(.empty-form)").first
    new_row.locator("input[name$='-date']").fill("2016-08")
    new_row.locator("select[name$='-status']").select_option("released")
    new_row.locator("[name$='-note']").fill("Released on parole (recorded in the browser test).")
    new_row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("one year after")
    page.locator(".select2-results__option", has_text="one year after the shooting").click()
    shot(page, "03-status-change-filled-in")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/admin/cases/defendant/\d+/change/"))
    assert "Recorded status" in page.locator("ul.messagelist").inner_text()
    history_rows = page.locator("#status_changes-group tr.has_original")
    assert history_rows.count() == changes_before + 1
    recorded_row = history_rows.filter(has_text="2016-08")
    assert recorded_row.count() == 1 and "editor" in recorded_row.inner_text()
    assert "Released" in page.locator(".field-status .readonly").first.inner_text()
    shot(page, "04-status-change-recorded")

    recorded = StatusChange.objects.get(defendant=defendant, date="2016-08")
    assert recorded.status == "released" and recorded.source.title.startswith("News article on Zhanaozen one year")
    assert recorded.recorded_by.username == "editor"

    # The defendant's change history names who changed the status.
    page.click("a.historylink")
    page.wait_for_url(re.compile(r".*/history/"))
    entries = page.locator("#change-history tbody tr")
    assert entries.count() >= 2
    latest = entries.first
    assert "Changed" in latest.inner_text() and "editor" in latest.inner_text()
    shot(page, "05-defendant-history")
    # The latest version recorded in the history has the new status.
    latest.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/history/\d+/"))
    assert "Released" in page.locator(".field-status").first.inner_text()
    shot(page, "06-defendant-history-latest-version")
    assert page.outside_requests == [], page.outside_requests


def test_editor_cannot_see_a_confidential_person_and_senior_editor_can(offline_page, seeded):
    page = offline_page
    witness = Person.objects.filter(confidentiality="confidential").order_by("pk").first()
    make_staff("editor", EDITOR)
    make_staff("senior", SENIOR_EDITOR)

    log_in(page, "editor")
    page.goto("/admin/people/person/?q=anonymous")
    assert witness.name not in page.locator("#content-main").inner_text()
    assert page.locator("#result_list").count() == 0 or page.locator("#result_list tbody tr").count() == 0
    shot(page, "07-editor-search-hides-confidential")
    hidden = page.goto(f"/admin/people/person/{witness.pk}/change/")
    assert hidden.status == 404, "a hidden person must look like a missing one (404, as in the API)"
    assert witness.name not in page.content()
    shot(page, "08-editor-direct-link-to-confidential-person")
    page.goto("/admin/")
    page.click("#logout-form button, #logout-form input[type=submit]")

    log_in(page, "senior")
    page.goto("/admin/people/person/?q=anonymous")
    assert witness.name in page.locator("#result_list").inner_text()
    page.goto(f"/admin/people/person/{witness.pk}/change/")
    assert page.locator("#id_name").input_value() == witness.name
    shot(page, "09-senior-editor-sees-confidential-person")
    assert page.outside_requests == [], page.outside_requests


def test_swagger_ui_renders_the_operations_without_any_request_leaving_the_machine(
    offline_page, seeded, live_server, settings
):
    page = offline_page
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PUBLIC_NAME]
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url.replace("localhost", PUBLIC_NAME) + "/api/docs/")
    assert urlsplit(page.url).hostname == PUBLIC_NAME
    # The operations are grouped by resource, collapsed (docExpansion "none"): fully expanded, Swagger UI
    # stopped rendering after the first few of the API's 130 operations.
    tags = page.locator(".opblock-tag")
    tags.first.wait_for(state="visible")
    names = tags.all_inner_texts()
    assert len(names) > 20 and any(name.startswith("persons") for name in names), names
    assert "casetracker API" in page.locator(".information-container .title").inner_text()

    # Every group opens with its operations (the last ones too), rendered from the schema, offline.
    for tag, path in (("persons", "/api/v1/persons/"), ("trials", "/api/v1/trials/"), ("auth", "/api/v1/auth/token/")):
        page.locator(f"#operations-tag-{tag}").click()
        page.locator(".opblock-summary-path", has_text=path).first.wait_for(state="visible")
    assert page.locator(".opblock").count() >= 13

    # Open one operation: its parameters render.
    page.locator(".opblock-get", has_text="/api/v1/persons/").first.locator(".opblock-summary").click()
    page.locator(".opblock-get.is-open .parameters").first.wait_for(state="visible")
    shot(page, "10-swagger-ui-offline")

    assert page.outside_requests == [], f"Swagger UI tried to reach other sites: {page.outside_requests}"
    assert all(urlsplit(url).hostname in LOCAL_HOSTS for url in requested if not url.startswith("data:"))
    assert any(url.startswith(f"http://{PUBLIC_NAME}:") and "/api/schema/" in url for url in requested), (
        "the schema is fetched from this server"
    )
    assert page.page_errors == [], page.page_errors
    assert page.csp_violations == [], page.csp_violations


def test_redoc_renders_under_the_csp_with_no_outside_font_or_script(offline_page, seeded, live_server):
    page = offline_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto("/api/redoc/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.locator("h1", has_text="casetracker API").first.wait_for(state="visible")
    page.locator("text=/api/v1/persons/").first.wait_for(state="attached")
    # The viewport only: Redoc's page is one very long column, too slow to capture whole on a busy machine.
    page.screenshot(path=str(SCREENSHOTS / "11-redoc-offline.png"))
    assert page.outside_requests == [], f"Redoc tried to reach other sites: {page.outside_requests}"
    assert not any("fonts.g" in url for url in requested)
    assert page.page_errors == [], page.page_errors
    # Redoc's bundle links the "API docs by Redocly" logo from its CDN: the policy blocks it before any
    # request leaves (that is what it is for), and the page works without it. Nothing else is blocked.
    blocked = [text for text in page.csp_violations if "cdn.redoc.ly/redoc/logo" not in text]
    assert blocked == [], blocked


def test_the_admin_works_under_the_csp(offline_page, seeded, live_server, django_user_model):
    page = offline_page
    django_user_model.objects.create_superuser("csp-admin", "a@example.org", PASSWORD)
    log_in(page, "csp-admin")
    page.goto("/admin/cases/case/add/")
    page.locator("#id_title").fill("A case typed under the CSP")
    # Autocomplete widgets (select2) are scripts and styles served by the admin itself.
    page.locator(".select2-selection").first.click()
    page.locator(".select2-results").first.wait_for(state="visible")
    shot(page, "12-admin-under-csp")
    assert page.csp_violations == [], page.csp_violations
    assert page.page_errors == [], page.page_errors


@pytest.mark.django_db(transaction=False)
def test_a_missing_chromium_fails_the_run_and_says_how_to_install_it(tmp_path):
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install chromium"):
        require_chromium(str(tmp_path / "chromium"))
