"""The front door at ``/``: what the service is, and links that lead somewhere, for anyone."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.urls import resolve
from django.utils import translation

from casetracker.views import HomeView

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')


def links_on(html: str) -> list[str]:
    return HREF.findall(html)


def test_an_anonymous_visitor_gets_the_front_door(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "political and human-rights prosecutions" in html
    assert '<html lang="en">' in html


def test_the_front_door_links_to_the_admin_the_api_docs_the_api_root_and_the_summaries(client):
    links = set(links_on(client.get("/").content.decode()))
    assert {
        "/admin/",
        "/api/docs/",
        "/api/redoc/",
        "/api/schema/",
        "/api/v1/",
        "/api/v1/sentence-summaries.csv",
        "/api/v1/sentence-summaries.xlsx",
        "/api/v1/sentence-summaries/",
    } <= links


def test_every_link_on_the_front_door_answers_an_anonymous_visitor(client):
    for link in links_on(client.get("/").content.decode()):
        if link.startswith(settings.STATIC_URL):
            # Served by runserver or, in production, whitenoise from collectstatic's output.
            assert finders.find(link.removeprefix(settings.STATIC_URL)), f"{link} is not a static file"
            continue
        response = client.get(link)
        if link.startswith("/admin/"):
            # The admin asks an anonymous visitor to sign in first.
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), link
            continue
        assert response.status_code == 200, f"{link} answered {response.status_code}"


def test_the_summary_downloads_are_a_csv_and_a_workbook(client):
    assert client.get("/api/v1/sentence-summaries.csv")["Content-Type"].startswith("text/csv")
    xlsx = client.get("/api/v1/sentence-summaries.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")


def test_the_admins_view_site_link_leads_to_the_front_door(admin_client):
    assert resolve(admin.site.site_url).func.view_class is HomeView
    html = admin_client.get("/admin/").content.decode()
    assert f'href="{admin.site.site_url}"' in html, "the admin's header must link to the front door"


def test_the_front_door_passes_the_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    html = response.content.decode()
    assert "<script" not in html, "the policy blocks inline scripts; the page needs none"
    assert "http://" not in html and "https://" not in html, "the page may load nothing from another host"
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert stylesheet.startswith("/static/")


def test_every_string_on_the_front_door_goes_through_gettext(client, monkeypatch):
    """Each sentence a reader sees is a message: with every message translated, no English is left."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("en")
    monkeypatch.setattr(catalog, "gettext", lambda message: "⟦" + message + "⟧")
    translation.activate("en")
    try:
        html = client.get("/").content.decode()
    finally:
        translation.deactivate()
    assert "⟦" in html, "the test's catalog was not used"
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<head>.*?</head>", " ", html, flags=re.S))
    text = re.sub(r"⟦[^⟧]*⟧", " ", text)
    left = [word for word in re.findall(r"[A-Za-z]{2,}", text) if word != "casetracker"]
    assert left == [], f"words outside {{% translate %}}: {left}"


def test_the_front_door_does_not_take_writes(client):
    assert client.post("/").status_code == 405
