"""Choices shared by both apps: how sure a figure is, and who may see a record."""

from django.db import models


class Qualifier(models.TextChoices):
    """How a number was stated by its source ("at least 16", "up to 12 years")."""

    EXACT = "exact", "exactly"
    AT_LEAST = "at_least", "at least"
    MORE_THAN = "more_than", "more than"
    UP_TO = "up_to", "up to"
    FEWER_THAN = "fewer_than", "fewer than"
    ABOUT = "about", "about"


class Confidentiality(models.TextChoices):
    """Who may see a record.

    Public records are shown to everyone. Restricted records are shown only to
    signed-in staff. Confidential records (witnesses who asked to stay
    anonymous, people at risk) are shown only to staff holding the
    ``people.view_confidential`` permission.
    """

    PUBLIC = "public", "Public"
    RESTRICTED = "restricted", "Restricted (staff only)"
    CONFIDENTIAL = "confidential", "Confidential (authorised staff only)"


def qualified(value, qualifier: str, unit: str = "") -> str:
    """Write a qualified figure for a reader: ``at least 16``, ``up to 12 years``."""
    if value is None:
        return ""
    text = f"{value:,}" if isinstance(value, int) else str(value)
    if unit:
        text = f"{text} {unit}"
    if qualifier and qualifier != Qualifier.EXACT:
        text = f"{Qualifier(qualifier).label} {text}"
    return text
