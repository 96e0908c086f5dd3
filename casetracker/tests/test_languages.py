"""The interface in English, Russian and Kazakh: the compiled catalogs load, and every surface speaks the
reader's language (Accept-Language, or the language cookie the admin's switcher sets).

The catalogs are compiled by ``make messages`` (part of ``make install``); a session-scoped fixture compiles
them here too, so the tests do not depend on the order commands were run in.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework import serializers

from cases.models import Defendant, StatusChange
from casetracker.problems import errors_by_field
from people.choices import PersonKind
from people.models import Person
from tests.html_forms import main_form

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """What ``make messages`` does: compile locale/*/LC_MESSAGES/django.po with Babel."""
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "compile", "--domain", "django", "--directory", str(LOCALE)], check=True, capture_output=True
    )
    translation.trans_real._translations = {}  # reload the catalogs just compiled
    translation.trans_real._active = translation.trans_real.Local()


def test_the_settings_offer_english_russian_and_kazakh():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "ru", "kk"]
    assert LOCALE in [Path(path) for path in settings.LOCALE_PATHS]
    middleware = settings.MIDDLEWARE
    locale = middleware.index("django.middleware.locale.LocaleMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")


@pytest.mark.parametrize(
    ("language", "defendant", "known_as_of", "rule"),
    [
        ("ru", "обвиняемый", "по состоянию на", "Дата «по состоянию на» для численности указывается"),
        ("kk", "айыпталушы", "жағдай бойынша", "Сан үшін «жағдай бойынша» күні тек сан көрсетілгенде"),
    ],
)
def test_model_names_and_rules_speak_the_language(language, defendant, known_as_of, rule):
    with translation.override(language):
        assert str(Defendant._meta.verbose_name) == defendant
        assert str(StatusChange._meta.get_field("known_as_of").verbose_name) == known_as_of
        person = Person(name="Protesters", kind=PersonKind.GROUP, group_size_as_of="2012")
        with pytest.raises(ValidationError) as refused:
            person.clean()
        assert refused.value.message_dict["group_size_as_of"][0].startswith(rule)
    assert str(Defendant._meta.verbose_name) == "defendant", "English outside the override"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "app", "title", "label", "choice", "error"),
    [
        (
            "ru",
            "Дела и уголовные преследования",
            "Преследования, люди и источники",
            "Численность группы",
            "Группа неустановленных лиц",
            "Дата «по состоянию на» для численности указывается",
        ),
        (
            "kk",
            "Істер және қылмыстық қудалау",
            "Қудалаулар, адамдар және дереккөздер",
            "Топтың саны",
            "Анықталмаған тұлғалар тобы",
            "Сан үшін «жағдай бойынша» күні тек сан көрсетілгенде",
        ),
    ],
)
def test_an_editor_sees_the_admin_in_the_language(client, role_user, language, app, title, label, choice, error):
    """The Done: an Editor signs in and reads the admin index, a change form and a refused save in the language."""
    client.force_login(role_user("Editor"))
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    index = client.get("/admin/", **headers)
    assert index.status_code == 200
    assert index["Content-Language"] == language
    html = index.content.decode()
    assert app in html and title in html
    assert f'<html lang="{language}"' in html

    url = "/admin/people/person/add/"
    page = client.get(url, **headers).content.decode()
    assert label in page and choice in page
    data = main_form(page).data()
    data.update(name=["Protesters"], kind=["group"], group_size_as_of=["2012"], confidentiality=["restricted"])
    refused = client.post(url, data, **headers)
    assert refused.status_code == 200, "the form again, with its error"
    assert error in refused.content.decode()
    assert not Person.objects.filter(name="Protesters").exists()


@pytest.mark.django_db
def test_the_language_cookie_the_switcher_sets_wins(client, role_user):
    client.force_login(role_user("Editor"))
    page = client.get("/admin/").content.decode()
    assert 'id="language-switcher"' in page and 'action="/i18n/setlang/"' in page
    assert 'value="kk"' in page and "Қазақ" in page  # each language offered in its own name

    switched = client.post("/i18n/setlang/", {"language": "kk", "next": "/admin/"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert switched.status_code == 302 and switched["Location"] == "/admin/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Істер және қылмыстық қудалау" in index.content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_switcher_too(client):
    page = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="language-switcher"' in page
    assert "Язык" in page


@pytest.mark.django_db
def test_an_api_400_answers_in_kazakh(client):
    response = client.get("/api/v1/search/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 400
    assert response["Content-Language"] == "kk"
    assert "Не іздеу керектігін көрсетіңіз" in response.content.decode()


@pytest.mark.django_db
def test_an_api_write_refused_by_a_rule_names_the_field_in_kazakh_and_drfs_own_messages_too(client, staff_user):
    client.force_login(staff_user)
    body = {"kind": "group", "group_size_as_of": "2012", "confidentiality": "restricted"}
    response = client.post("/api/v1/persons/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 400
    errors = errors_by_field(response.json())
    with translation.override("kk"):
        required = str(serializers.Field.default_error_messages["required"])
    assert required != "This field is required.", "DRF ships a Kazakh catalog"
    assert required in str(errors["name"])  # DRF's own message, in Kazakh

    body["name"] = "Protesters"
    response = client.post("/api/v1/persons/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 400
    assert "Сан үшін «жағдай бойынша» күні" in str(errors_by_field(response.json())["group_size_as_of"])
    assert not Person.objects.filter(name="Protesters").exists()


@pytest.mark.django_db
def test_choice_values_in_json_stay_codes_whatever_the_language(client, staff_user):
    client.force_login(staff_user)
    body = {"name": "Protesters", "kind": "group", "confidentiality": "restricted"}
    response = client.post("/api/v1/persons/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "group"
    assert response.json()["confidentiality"] == "restricted"
