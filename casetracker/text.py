"""Clean text: which characters a record's text may hold, and how stored text is cleaned.

Every text a person records ends up in XML (the ``dumpdata`` backup, the XLSX workbook), CSV
and JSON. XML 1.0 cannot hold most control characters, openpyxl refuses them, and none of them
means anything in a name, a title or an excerpt. So a record's text may hold:

- tab and newline;
- a carriage return only as part of a CRLF line break (browsers send the lines of a
  ``<textarea>`` that way, so refusing CR would refuse every multi-line text typed in the admin);

and nothing else of Unicode's control characters (category Cc: U+0000–U+001F, U+007F–U+009F),
nor the code points XML 1.0 cannot hold at all (lone surrogates, U+FFFE, U+FFFF).

:class:`casetracker.base_models.CleanTextModel` refuses such text in every model of ``people``
and ``cases`` (``full_clean()``, so the API, the admin and the commands alike);
:func:`clean_text` strips it from stored values (the data migrations) and from export cells.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# One character each; a CR is forbidden unless a LF follows it.
_FORBIDDEN_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
FORBIDDEN = re.compile(f"[{_FORBIDDEN_CHARACTERS}]|\r(?!\n)")

# The same rule as a database regular expression (SQLite runs Python's ``re``; PostgreSQL's
# own syntax understands the character class and the look-ahead alike). NUL and surrogates
# are left out: neither database can store them, and PostgreSQL refuses NUL in a parameter.
STORED_FORBIDDEN_PATTERN = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]|\r(?!\n)"

CONTROL_CHARACTERS_CODE = "control_characters"


def forbidden_characters(text: str) -> list[str]:
    """The distinct forbidden characters in ``text``, as ``U+0007``, in order of appearance."""
    return list(dict.fromkeys(f"U+{ord(match.group()[0]):04X}" for match in FORBIDDEN.finditer(text)))


def has_forbidden_characters(text: str) -> bool:
    return FORBIDDEN.search(text) is not None


def control_character_error(text) -> ValidationError | None:
    """The error for a text holding forbidden characters, or None when it is clean (or not text)."""
    if not isinstance(text, str) or not has_forbidden_characters(text):
        return None
    return ValidationError(
        _(
            "This text contains control characters (%(characters)s), which cannot be stored. "
            "Remove them (they often come from copying out of a PDF or a word processor); "
            "line breaks and tabs are fine."
        ),
        code=CONTROL_CHARACTERS_CODE,
        params={"characters": ", ".join(forbidden_characters(text))},
    )


def validate_clean_text(value) -> None:
    """A validator (Django and DRF fields alike) that refuses text holding forbidden characters."""
    error = control_character_error(value)
    if error is not None:
        raise error


def clean_text(text: str) -> str:
    """``text`` without forbidden characters; a lone carriage return becomes a newline (it was a line break)."""
    if not has_forbidden_characters(text):
        return text
    return FORBIDDEN.sub(lambda match: "\n" if match.group() == "\r" else "", text)


def is_text_field(field) -> bool:
    """A ``CharField`` or ``TextField`` (and their subclasses), the fields whose text is checked."""
    from django.db import models

    return isinstance(field, (models.CharField, models.TextField))


def clean_stored_text(apps, app_label: str, *, extra_models: tuple[tuple[str, str], ...] = ()) -> dict[str, int]:
    """Strip forbidden characters from every text column of an app's models (history models included).

    For data migrations: ``apps`` is the migration's historical app registry. Only the rows
    that hold a forbidden character are read (one regular-expression query per model), and
    each is updated with ``QuerySet.update()``, so nothing else about it changes (no
    ``updated`` timestamp, no new history entry). ``extra_models`` names other models as
    ``(app_label, model_name)``. Returns the number of rows cleaned per model label.
    """
    from django.db.models import Q

    models = list(apps.get_app_config(app_label).get_models())
    models += [apps.get_model(label, name) for label, name in extra_models]
    cleaned = {}
    for model in models:
        fields = [field for field in model._meta.concrete_fields if is_text_field(field)]
        if not fields:
            continue
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field.attname}__regex": STORED_FORBIDDEN_PATTERN})
        manager = model._base_manager
        count = 0
        for row in manager.filter(condition).values("pk", *(field.attname for field in fields)).iterator():
            changes = {
                name: clean_text(value)
                for name, value in row.items()
                if name != "pk" and isinstance(value, str) and has_forbidden_characters(value)
            }
            if changes:
                manager.filter(pk=row["pk"]).update(**changes)
                count += 1
        if count:
            cleaned[model._meta.label] = count
    return cleaned
