"""Choices shared by both apps: how sure a figure is, and who may see a record."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class Qualifier(models.TextChoices):
    """How a number was stated by its source ("at least 16", "up to 12 years")."""

    EXACT = "exact", _("exactly")
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")
    UP_TO = "up_to", _("up to")
    FEWER_THAN = "fewer_than", _("fewer than")
    ABOUT = "about", _("about")


class Confidentiality(models.TextChoices):
    """Who may see a record.

    Public records are shown to everyone. Restricted records are shown only to
    signed-in staff. Confidential records (witnesses who asked to stay
    anonymous, people at risk) are shown only to staff holding the
    ``people.view_confidential`` permission.
    """

    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted (staff only)")
    CONFIDENTIAL = "confidential", _("Confidential (authorised staff only)")


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


# How people write a qualifier before a number: the English labels ("about", "at least" …) and more. (The
# labels themselves are translated lazily, so they cannot be read while this module is imported.)
QUALIFIER_WORDS = {
    "exactly": Qualifier.EXACT,
    "at least": Qualifier.AT_LEAST,
    "more than": Qualifier.MORE_THAN,
    "up to": Qualifier.UP_TO,
    "fewer than": Qualifier.FEWER_THAN,
    "about": Qualifier.ABOUT,
    "exact": Qualifier.EXACT,
    "approximately": Qualifier.ABOUT,
    "approx.": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "~": Qualifier.ABOUT,
    "over": Qualifier.MORE_THAN,
    "above": Qualifier.MORE_THAN,
    "no fewer than": Qualifier.AT_LEAST,
    "no less than": Qualifier.AT_LEAST,
    "min.": Qualifier.AT_LEAST,
    "under": Qualifier.FEWER_THAN,
    "less than": Qualifier.FEWER_THAN,
    "below": Qualifier.FEWER_THAN,
    "no more than": Qualifier.UP_TO,
    "at most": Qualifier.UP_TO,
    "max.": Qualifier.UP_TO,
}
_QUALIFIER_PREFIX = re.compile(
    r"^(?P<qualifier>" + "|".join(re.escape(word) for word in sorted(QUALIFIER_WORDS, key=len, reverse=True)) + r")\s*",
    re.IGNORECASE,
)


def split_qualifier(text: str) -> tuple[str, str]:
    """``"up to 12 years"`` → ``("up_to", "12 years")``; ``("", text)`` when no qualifier leads it."""
    text = " ".join(text.split())
    match = _QUALIFIER_PREFIX.match(text)
    if not match:
        return "", text
    return QUALIFIER_WORDS[match.group("qualifier").lower()], text[match.end() :]


_NUMBER = re.compile(r"^(?P<number>\d{1,3}(?:[ ,\u00a0]\d{3})+|\d+)(?P<plus>\+)?$")


def parse_qualified(text) -> tuple[int | None, str]:
    """A figure as people write it, the inverse of :func:`qualified`: ``"more than 30"`` → ``(30, "more_than")``.

    ``"30"`` is exact; ``"30+"`` is more than 30; ``"about 1,200"`` → ``(1200, "about")``. Empty text is
    ``(None, "")``. Raises ``ValueError`` with a sentence saying what to write instead.
    """
    text = "" if text is None else str(text).strip()
    if not text:
        return None, ""
    qualifier, rest = split_qualifier(text)
    match = _NUMBER.match(rest)
    if not match:
        raise ValueError(f"{text!r} is not a figure; write a whole number with how it was stated, e.g. 'about 30'")
    number = int(re.sub(r"\D", "", match.group("number")))
    if match.group("plus"):
        if qualifier:
            raise ValueError(f"{text!r} says how the figure was stated twice; write e.g. 'more than 30'")
        qualifier = Qualifier.MORE_THAN
    return number, str(qualifier or Qualifier.EXACT)
