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
    # Russian, before the number: "около 30", "не менее 16", "свыше 30", "до 12 лет", "менее 5".
    "ровно": Qualifier.EXACT,
    "около": Qualifier.ABOUT,
    "примерно": Qualifier.ABOUT,
    "приблизительно": Qualifier.ABOUT,
    "порядка": Qualifier.ABOUT,
    "не менее": Qualifier.AT_LEAST,
    "не менее чем": Qualifier.AT_LEAST,
    "не меньше": Qualifier.AT_LEAST,
    "как минимум": Qualifier.AT_LEAST,
    "по меньшей мере": Qualifier.AT_LEAST,
    "минимум": Qualifier.AT_LEAST,
    "более": Qualifier.MORE_THAN,
    "более чем": Qualifier.MORE_THAN,
    "больше": Qualifier.MORE_THAN,
    "свыше": Qualifier.MORE_THAN,
    "до": Qualifier.UP_TO,
    "не более": Qualifier.UP_TO,
    "не более чем": Qualifier.UP_TO,
    "не больше": Qualifier.UP_TO,
    "максимум": Qualifier.UP_TO,
    "менее": Qualifier.FEWER_THAN,
    "менее чем": Qualifier.FEWER_THAN,
    "меньше": Qualifier.FEWER_THAN,
    # Kazakh, before the number: "шамамен 30", "кемінде 16", "ең кемі 16", "көп дегенде 12 жыл".
    "дәл": Qualifier.EXACT,
    "шамамен": Qualifier.ABOUT,
    "шамасы": Qualifier.ABOUT,
    "кемінде": Qualifier.AT_LEAST,
    "ең кемі": Qualifier.AT_LEAST,
    "ең аз дегенде": Qualifier.AT_LEAST,
    "көп дегенде": Qualifier.UP_TO,
}
# Kazakh puts most qualifiers after the number, which takes a case ending: "12 жылға дейін" (up to 12 years),
# "30-дан астам" (more than 30), "5 жылдан кем" (fewer than 5 years), "30-дан артық".
QUALIFIER_SUFFIXES = {
    "дейін": Qualifier.UP_TO,
    "астам": Qualifier.MORE_THAN,
    "артық": Qualifier.MORE_THAN,
    "аса": Qualifier.MORE_THAN,
    "кем": Qualifier.FEWER_THAN,
    "шамасында": Qualifier.ABOUT,
}
_QUALIFIER_SUFFIX = re.compile(r"\s+(?P<qualifier>" + "|".join(QUALIFIER_SUFFIXES) + r")$", re.IGNORECASE)
# The case ending on a number before a Kazakh qualifier: "30-дан", "30дан", "12-ге".
_NUMBER_ENDING = re.compile(r"(?<=\d)-?(?:дан|ден|тан|тен|нан|нен|ға|ге|қа|ке)$", re.IGNORECASE)
_QUALIFIER_PREFIX = re.compile(
    r"^(?P<qualifier>" + "|".join(re.escape(word) for word in sorted(QUALIFIER_WORDS, key=len, reverse=True)) + r")\s*",
    re.IGNORECASE,
)


def split_qualifier(text: str) -> tuple[str, str]:
    """``"up to 12 years"`` → ``("up_to", "12 years")``; ``("", text)`` when no qualifier leads it.

    Russian and Kazakh qualifiers too: ``"до 12 лет"`` → ``("up_to", "12 лет")``, and the Kazakh ones
    that follow the number: ``"12 жылға дейін"`` → ``("up_to", "12 жылға")``, ``"30-дан астам"`` →
    ``("more_than", "30")``. A qualifier word must end where a word ends ("до" does not start "доклад").
    """
    text = " ".join(text.split())
    for value, label in Qualifier.choices:
        # The labels in the active language, as the exports write them ("до 12 лет" once translated).
        label = str(label)
        if text.lower().startswith(label.lower() + " "):
            return value, text[len(label) + 1 :]
    match = _QUALIFIER_PREFIX.match(text)
    end = match.end() if match else 0
    if match and (end == len(text) or not (text[end - 1].isalpha() and text[end].isalpha())):
        return QUALIFIER_WORDS[match.group("qualifier").lower()], text[match.end() :]
    match = _QUALIFIER_SUFFIX.search(text)
    if match:
        rest = _NUMBER_ENDING.sub("", text[: match.start()])
        return QUALIFIER_SUFFIXES[match.group("qualifier").lower()], rest
    return "", text


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
