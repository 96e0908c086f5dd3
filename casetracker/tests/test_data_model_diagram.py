"""docs/data-model.md is generated from the models (``manage.py data_model_diagram``) and never stale."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models
from django.test.utils import isolate_apps

from casetracker.management.commands.data_model_diagram import (
    DEFAULT_OUTPUT,
    Diagram,
    diagram_models,
    project_app_configs,
    render,
)


def test_the_committed_diagram_is_what_the_models_say_now():
    committed = DEFAULT_OUTPUT.read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/data-model.md is out of date with the models: run `python manage.py data_model_diagram` and commit it"
    )


def test_the_check_option_passes_on_the_committed_file_and_fails_on_a_stale_one(tmp_path):
    out = StringIO()
    call_command("data_model_diagram", "--check", stdout=out)
    assert "up to date" in out.getvalue()
    stale = tmp_path / "data-model.md"
    stale.write_text(render().replace("Sentence", "Verdict"), encoding="utf-8")
    with pytest.raises(CommandError, match="run `python manage.py data_model_diagram`"):
        call_command("data_model_diagram", "--check", "--output", str(stale))
    call_command("data_model_diagram", "--output", str(stale), stdout=StringIO())
    assert stale.read_text(encoding="utf-8") == render()


def test_the_project_apps_are_the_ones_in_this_repository_whatever_they_are_called():
    labels = [app_config.label for app_config in project_app_configs()]
    assert {"people", "cases", "casetracker"} <= set(labels)
    assert not {"admin", "auth", "contenttypes", "simple_history", "knox", "axes"} & set(labels)
    top_level_package_here = [
        app_config.label
        for app_config in apps.get_app_configs()
        if (Path(settings.BASE_DIR) / app_config.name.split(".")[0] / "__init__.py").exists()
    ]
    assert labels == top_level_package_here, "each of the repository's apps, in INSTALLED_APPS order"


def test_every_model_is_drawn_and_listed_under_the_app_it_lives_in_now():
    """Drawn from the registry, not from a list: a new model, or one moved to another app, shows up by itself."""
    text = render()
    sections = dict(re.findall(r"^## (\S+)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    for app_config in project_app_configs():
        for model in diagram_models(app_config):
            assert re.search(rf"^    {model.__name__} {{$", text, flags=re.M), f"{model.__name__} is not drawn"
            assert f"| `{model.__name__}` |" in sections[app_config.label], (
                f"{model.__name__} is not listed under {app_config.label}"
            )
    assert "Historical" not in text.split("```mermaid")[1], "history twins are left out"


def test_relations_are_drawn_with_their_field_and_optionality():
    text = render()
    assert 'Person ||--o{ Defendant : "person"' in text
    assert 'Trial |o--o{ Sentence : "trial"' in text, "an optional relation has a zero-or-one end"
    assert 'Event }o--o{ Person : "persons"' in text
    assert "ApproximateDate" in text


@isolate_apps("people", "cases")
def test_two_apps_with_a_model_of_the_same_name_are_told_apart():
    class Note(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "people"

    class Other(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "cases"

    Other.__name__ = "Note"

    class Link(models.Model):  # noqa: DJ008
        first = models.ForeignKey(Note, on_delete=models.CASCADE)
        second = models.OneToOneField(Other, null=True, on_delete=models.CASCADE)

        class Meta:
            app_label = "cases"

    diagram = Diagram([Note, Other, Link])
    assert diagram.entity(Note) == "people_Note" and diagram.entity(Other) == "cases_Note"
    assert diagram.relationships(Link) == [
        'people_Note ||--o{ Link : "first"',
        'cases_Note |o--o| Link : "second"',
    ]
