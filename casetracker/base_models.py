"""Abstract building blocks shared by the ``people`` and ``cases`` apps.

This module defines no tables: the project package is not an app.
"""

from django.core.exceptions import ValidationError
from django.db import models

from casetracker.choices import Confidentiality, Qualifier


class NameVariant(models.Model):
    """Another way a name is written: a transliteration, translation or script."""

    name = models.CharField(
        max_length=300,
        help_text="The name exactly as a source writes it, e.g. 'Nazarbayev' or 'Назарбаев'.",
    )
    language = models.CharField(
        max_length=35,
        blank=True,
        help_text="Language or script as a BCP 47 tag where known, e.g. 'en', 'ru', 'kk-Cyrl'.",
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where this spelling is used, e.g. 'Spelling used by source 003'.",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.language})" if self.language else self.name


def qualified_figure_errors(value, qualifier, value_field: str, qualifier_field: str) -> dict:
    """Errors for a number and its qualifier that do not belong together."""
    errors = {}
    if value is not None and value < 0:
        errors[value_field] = "A figure cannot be negative."
    if value is not None and not qualifier:
        errors[qualifier_field] = f"Say how the figure was stated ({', '.join(Qualifier.labels)})."
    if value is None and qualifier and qualifier != Qualifier.EXACT:
        errors[value_field] = "A qualifier needs a number to qualify."
    return errors


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def confidentiality_field():
    return models.CharField(
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
        db_index=True,
        help_text=(
            "Public records are shown to everyone; restricted ones to signed-in staff; "
            "confidential ones only to staff allowed to see confidential people."
        ),
    )


def synthetic_field():
    return models.BooleanField(
        default=False,
        db_index=True,
        editable=False,
        help_text=(
            "Made by the synthetic data generator for load testing; never a real record. "
            "Removed with 'manage.py seed_synthetic --delete'."
        ),
    )
