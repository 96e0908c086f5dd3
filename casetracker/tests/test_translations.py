"""Translations kept whole: every string of ours has a Russian and a Kazakh translation that keeps its placeholders.

The strings are extracted afresh (``manage.py makemessages`` into a temporary copy of the catalogs, so the
repository is not touched) and compared with the committed ``locale/<lang>/LC_MESSAGES/django.po``. Babel reads
the catalogs. The fix is always the same: ``make translations`` (extracts into locale/), translate the new
entries, ``make translations-check``. See docs/translations.md.
"""

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ("ru", "kk")
FIX = (
    "To fix: run `make translations` (extracts the strings into locale/ru and locale/kk), translate each entry "
    "listed (Russian, and Kazakh in Cyrillic; keep every placeholder such as %(name)s, %s or {name}), remove any "
    "'fuzzy' flag, then `make translations-check`. See docs/translations.md."
)
# %(name)s, %s, %d, %r … (not %%), and {name} / {} of str.format.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]|\{[^{}]*\}")


def catalog(path):
    with open(path, "rb") as handle:
        return read_po(handle, abort_invalid=True)


def placeholders(text):
    return sorted(match for match in PLACEHOLDER.findall(text) if match != "%%")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Our strings as they are in the code now: makemessages run on a temporary copy of the catalogs."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext's xgettext is needed to extract the strings: apt-get install gettext.")
    # makemessages walks the current directory and writes each file's strings to the `locale` directory
    # beside it: run it in a temporary copy of our code with a copy of the catalogs as its `locale`, so
    # the repository's catalogs are neither written nor read as the extraction. A copy, not links: it
    # writes a temporary `.py` beside each template it reads, which through links landed in the
    # repository, where two workers extracting at once removed each other's.
    work = tmp_path_factory.mktemp("extract")
    for entry in ROOT.iterdir():
        if entry.name in NOT_EXTRACTED or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, work / entry.name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        elif entry.suffix in EXTRACTED_SUFFIXES:
            shutil.copy(entry, work / entry.name)
    for language in LANGUAGES:
        target = work / "locale" / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", target / "django.po")
    completed = subprocess.run(
        [sys.executable, "-c", EXTRACT, str(work / "locale"), str(ROOT)],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return {language: catalog(work / "locale" / language / "LC_MESSAGES" / "django.po") for language in LANGUAGES}


#: what the extraction leaves out (the same as `make translations` ignores), and the catalogs themselves
NOT_EXTRACTED = {
    "locale",
    "bench",
    "fixtures",
    "node_modules",
    "clients",
    "staticfiles",
    "tests",
    "artifacts",
    "docs",
    "media",
}
#: the files makemessages reads strings from (Python, templates, text)
EXTRACTED_SUFFIXES = {".py", ".html", ".txt"}


# Run in the temporary tree, with LOCALE_PATHS at its copy of the catalogs.
EXTRACT = """
import os, sys
sys.path.insert(0, sys.argv[2])  # the code is imported from the repository itself
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
import django
from django.conf import settings
django.setup()
settings.LOCALE_PATHS = [sys.argv[1]]
from django.core.management import call_command
call_command("makemessages", locale=["ru", "kk"], no_obsolete=True, no_location=True, verbosity=0,
             ignore_patterns=[".venv/*", "bench/*", "fixtures/*", "node_modules/*", "staticfiles/*", "tests/*",
                              "*/tests/*", "artifacts/*", "media/*"])
"""


def problems_in(extracted_catalog, committed_catalog):
    """Every entry extracted from the code that the committed catalog does not translate whole."""
    problems = []
    for message in extracted_catalog:
        if not message.id:
            continue
        shown = message.id if isinstance(message.id, str) else message.id[0]
        committed = committed_catalog.get(message.id, context=message.context)
        if (
            committed is None
            or committed.string in ("", None)
            or (isinstance(committed.string, tuple) and not all(committed.string))
        ):
            problems.append(f"untranslated: {shown!r}")
            continue
        if committed.fuzzy:
            problems.append(f"fuzzy: {shown!r}")
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = committed.string if isinstance(committed.string, tuple) else (committed.string,)
        expected = placeholders(sources[-1])
        for index, translation in enumerate(translations):
            found = placeholders(translation)
            # The singular form of a plural may leave out the count ("one record"); nothing may be added or renamed.
            broken = not set(found) <= set(expected) if len(sources) > 1 and index == 0 else found != expected
            if broken:
                problems.append(f"placeholders {expected} became {found}: {shown!r} -> {translation!r}")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_ours_is_translated_whole(extracted, language):
    committed = catalog(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    problems = problems_in(extracted[language], committed)
    listing = "\n  ".join(problems[:200])
    more = f"\n  … and {len(problems) - 200} more" if len(problems) > 200 else ""
    assert not problems, f"{len(problems)} string(s) in locale/{language} need work:\n  {listing}{more}\n{FIX}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalog_has_no_fuzzy_or_broken_entry(language):
    committed = catalog(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    problems = problems_in(committed, committed)
    assert not problems, "\n".join(problems) + "\n" + FIX


def test_the_check_names_what_is_wrong():
    """The check itself: a missing, a fuzzy and a placeholder-breaking entry are each reported."""
    po = io.BytesIO(
        b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        b'msgid "Missing"\nmsgstr ""\n\n'
        b'#, fuzzy\nmsgid "Fuzzy"\nmsgstr "\xd0\x9d\xd0\xb5\xd1\x87\xd1\x91\xd1\x82\xd0\xba\xd0\xbe"\n\n'
        b'#, python-format\nmsgid "%(count)s rows"\nmsgstr "%(rows)s \xd1\x81\xd1\x82\xd1\x80\xd0\xbe\xd0\xba"\n\n'
        b'msgid "at most {words} words"\nmsgstr "\xd0\xbd\xd0\xb5 \xd0\xb1\xd0\xbe\xd0\xbb\xd0\xb5\xd0\xb5 {words}"\n'
    )
    broken = read_po(po)
    problems = problems_in(broken, broken)
    assert len(problems) == 3, problems
    assert problems[0].startswith("untranslated: 'Missing'")
    assert problems[1].startswith("fuzzy: 'Fuzzy'")
    assert "%(count)s" in problems[2] and "%(rows)s" in problems[2]


def test_the_catalogs_are_compiled_on_install_and_in_the_image_and_never_committed():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^install: .*\bmessages\b", makefile, re.M), "make install (run, test, CI) compiles them"
    assert "pybabel compile" in makefile, "compiled with a Python tool: no apt package needed"
    assert "pybabel compile" in (ROOT / "Dockerfile").read_text()
    assert "*.mo" in (ROOT / ".gitignore").read_text().split()
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked == "", f"compiled catalogs are build output: git rm --cached {tracked}"
