"""``manage.py load_seed``: load the Zhanaozen seed data once, safely, on every start.

``make setup``/``make run`` and docker-compose run this each time, so it must
be harmless to repeat:

- on a database without the seed it loads ``fixtures/zhanaozen.json`` in one
  transaction and prints how many records of each model it loaded;
- when the seed is already there (its sources exist) it says so and changes
  nothing;
- ``--force`` reloads it: every seeded record is restored to the fixture's
  content (edits to seeded records are overwritten; records staff added are
  kept), and only records that actually changed get a history entry;
- it refuses, changing nothing, when the database lacks the seed but already
  holds other records under the seed's fixed ids, rather than overwrite them;
  and ``--force`` refuses likewise when a corrected seed has records under ids
  that records staff added already hold (a seeded record's first history
  entry says it was loaded from the seed; a staff record's does not).

Fixtures are loaded with raw saves, which skip ``save()``, ``auto_now`` and
django-simple-history. Afterwards this command therefore:

- records one history entry per loaded record ("Loaded from the seed data"),
  including the many-to-many links of events and cases, so every seeded record
  has a history from its first day;
- re-derives what ``save()`` would have derived: each sentence's expected end,
  and each defendant's current status from its latest status change;
- relies on the ``people``/``cases`` signals for the search text of persons,
  organizations and places (so "Aktau" finds Aqtau).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Defendant, Sentence
from cases.services import defendant_refresh_status
from casetracker.text import forbidden_characters, has_forbidden_characters, is_text_field
from sources.models import Source

SEED_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "zhanaozen.json"
LOADED_REASON = "Loaded from the seed data (fixtures/zhanaozen.json)"
RESTORED_REASON = "Restored from the seed data (load_seed --force)"


def seed_rows(path: Path = SEED_FIXTURE) -> list[dict]:
    """The fixture's rows, or a :class:`CommandError` saying how to get them back."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CommandError(
            _(
                "The seed fixture %(path)s is missing. Restore it from git, or regenerate it with "
                "'python fixtures/build_zhanaozen.py'."
            )
            % {"path": path}
        ) from error
    except json.JSONDecodeError as error:
        raise CommandError(
            _(
                "The seed fixture %(path)s is not valid JSON (%(error)s). Regenerate it with "
                "'python fixtures/build_zhanaozen.py'."
            )
            % {"path": path, "error": error}
        ) from error


def seed_text_problems(rows: list[dict]) -> list[str]:
    """The fixture's text values that hold control characters (``casetracker.text``), one per value.

    Loading skips ``full_clean()``, so the fixture is checked with the models' own rule first.
    """
    problems = []
    for row in rows:
        model = apps.get_model(row["model"])
        for name, value in row["fields"].items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # loaddata names the unknown field itself
            if is_text_field(field) and isinstance(value, str) and has_forbidden_characters(value):
                characters = ", ".join(forbidden_characters(value))
                problems.append(f"{row['model']} {row['pk']}, {name}: {characters}")
    return problems


def seed_pks(rows: list[dict]) -> dict[type[models.Model], list]:
    """The fixed primary keys of the seed, per model, in fixture order."""
    pks: dict[type[models.Model], list] = defaultdict(list)
    for row in rows:
        pks[apps.get_model(row["model"])].append(row["pk"])
    return pks


def seed_is_present(rows: list[dict]) -> bool:
    """True when the seed's sources (the documents every seeded fact cites) are in the database.

    A source is recognised by its fixed id or by its reference (the file
    name), so editing either one in the admin does not make the next start
    try to load the seed again.
    """
    sources = [row for row in rows if row["model"] == "sources.source"]
    return Source.objects.filter(
        models.Q(pk__in=[row["pk"] for row in sources])
        | models.Q(reference__in=[row["fields"]["reference"] for row in sources])
    ).exists()


def seed_collisions(pks: dict[type[models.Model], list]) -> dict[str, list]:
    """Existing records that occupy the seed's ids, per model label."""
    taken = {}
    for model, ids in pks.items():
        found = sorted(model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        if found:
            taken[model._meta.label] = found
    return taken


def foreign_records(pks: dict[type[models.Model], list]) -> dict[str, list]:
    """Records under the seed's ids that were not loaded from the seed (staff added them), per model label.

    A record ``load_seed`` created has a first history entry whose reason is :data:`LOADED_REASON`;
    one staff created has another. A corrected seed with more records than the one loaded
    would otherwise overwrite them on ``--force``.
    """
    foreign = {}
    for model, ids in pks.items():
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager_name is None:
            continue
        # The latest creation of each id decides (a seeded record deleted, then its id taken by staff).
        creations = getattr(model, manager_name).filter(id__in=ids, history_type="+").order_by("history_date")
        latest = dict(creations.values_list("id", "history_change_reason"))
        found = sorted(pk for pk, reason in latest.items() if reason != LOADED_REASON)
        if found:
            foreign[model._meta.label] = found
    return foreign


def snapshot(pks: dict[type[models.Model], list]) -> dict[tuple[str, object], dict]:
    """Each seeded record's current field values (many-to-many links included), keyed by (model label, pk)."""
    state = {}
    for model, ids in pks.items():
        queryset = model._base_manager.filter(pk__in=ids).order_by("pk")
        for item in serializers.serialize("python", queryset):
            state[(model._meta.label, item["pk"])] = item["fields"]
    return state


def record_history(model: type[models.Model], objects: list, *, history_type: str, reason: str) -> int:
    """Write one django-simple-history entry per object, as a normal save would have.

    ``bulk_history_create`` snapshots the fields; the many-to-many links of
    models tracked with ``m2m_fields`` (events, cases) are copied the way
    django-simple-history itself copies them on save.
    """
    if not objects or not hasattr(model._meta, "simple_history_manager_attribute"):
        return 0
    manager = getattr(model, model._meta.simple_history_manager_attribute)
    historical = manager.model
    entries = manager.bulk_history_create(
        objects,
        update=history_type == "~",
        default_change_reason=reason,
        default_date=timezone.now(),
    )
    by_pk = {obj.pk: obj for obj in objects}
    for field in getattr(historical, "_history_m2m_fields", ()):
        m2m_history = getattr(historical, field.name).model
        through = field.remote_field.through
        own_fk = field.m2m_field_name()
        names = [f.name for f in through._meta.fields]
        fk_names = [f.name for f in through._meta.fields if isinstance(f, models.ForeignKey)]
        links = defaultdict(list)
        for link in through.objects.filter(**{f"{own_fk}__in": list(by_pk)}).select_related(*fk_names):
            links[getattr(link, f"{own_fk}_id")].append(link)
        m2m_history.objects.bulk_create(
            m2m_history(history=entry, **{name: getattr(link, name) for name in names})
            for entry in entries
            for link in links[entry.id]
        )
    return len(entries)


class Command(BaseCommand):
    help = property(
        lambda self: str(
            gettext_lazy(
                "Load the Zhanaozen seed data (fixtures/zhanaozen.json) if it is not loaded yet. Safe to run on every "
                "start: when the seed is present it changes nothing. --force restores the seeded records."
            )
        )
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                _(
                    "Reload even when the seed is present: restore every seeded record to the fixture's content "
                    "(edits to seeded records are overwritten; records added by staff are kept)."
                )
            ),
        )

    def handle(self, *args, force: bool = False, **options):
        rows = seed_rows()
        problems = seed_text_problems(rows)
        if problems:
            raise CommandError(
                _(
                    "Nothing was loaded: text in the seed fixture holds control characters (%(problems)s). "
                    "Remove them from %(fixture)s, or regenerate it with 'python fixtures/build_zhanaozen.py'."
                )
                % {"problems": "; ".join(problems[:20]), "fixture": SEED_FIXTURE.relative_to(settings.BASE_DIR)}
            )
        pks = seed_pks(rows)
        with transaction.atomic():
            present = seed_is_present(rows)
            if present and not force:
                self.stdout.write(
                    _(
                        "The Zhanaozen seed data is already loaded (its sources are in the database); nothing "
                        "changed. Run 'manage.py load_seed --force' to restore the seeded records from %(path)s."
                    )
                    % {"path": SEED_FIXTURE.relative_to(settings.BASE_DIR)}
                )
                return
            if present:
                foreign = foreign_records(pks)
                if foreign:
                    listing = "; ".join(f"{label} {', '.join(map(str, ids[:10]))}" for label, ids in foreign.items())
                    raise CommandError(
                        _(
                            "Nothing was restored: the seed data now has records under ids that records added by "
                            "staff hold (%(records)s). Restoring would overwrite them. Restore into a freshly "
                            "migrated database, or move those records to other ids first."
                        )
                        % {"records": listing}
                    )
            if not present:
                taken = seed_collisions(pks)
                if taken:
                    listing = "; ".join(f"{label} {', '.join(map(str, ids[:10]))}" for label, ids in taken.items())
                    raise CommandError(
                        _(
                            "Nothing was loaded: the database does not hold the seed data, but other records already "
                            "use the seed's fixed ids (%(records)s). Loading would overwrite them. Load the seed into "
                            "a freshly migrated database, or delete those records first."
                        )
                        % {"records": listing}
                    )
            before = snapshot(pks) if present else {}
            self.load(rows)
            after = snapshot(pks)
            counts = self.record_history(pks, before, after)
            self.derive(pks)
        self.report(rows, counts, restored=present)

    def load(self, rows: list[dict]) -> None:
        # History is written afterwards, once per record: with raw saves
        # django-simple-history would record only the many-to-many changes.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(SEED_FIXTURE), verbosity=0)

    def record_history(self, pks, before: dict, after: dict) -> Counter:
        counts: Counter = Counter()
        for model, ids in pks.items():
            label = model._meta.label
            created = [pk for pk in ids if (label, pk) not in before]
            changed = [pk for pk in ids if (label, pk) in before and before[(label, pk)] != after[(label, pk)]]
            if changed and any(f.name == "updated" for f in model._meta.concrete_fields):
                # A restored record was last changed now, not when the seed was compiled.
                model._base_manager.filter(pk__in=changed).update(updated=timezone.now())
            objects = model._base_manager.in_bulk(created + changed)
            record_history(model, [objects[pk] for pk in created], history_type="+", reason=LOADED_REASON)
            record_history(model, [objects[pk] for pk in changed], history_type="~", reason=RESTORED_REASON)
            counts["created"] += len(created)
            counts["changed"] += len(changed)
            counts["unchanged"] += len(ids) - len(created) - len(changed)
        return counts

    def derive(self, pks) -> None:
        """Recompute what ``save()`` derives and raw loading skips."""
        for sentence in Sentence.objects.filter(pk__in=pks.get(Sentence, [])):
            expected_end = sentence.derive_expected_end()
            if sentence.expected_end != expected_end:
                sentence.expected_end = expected_end
                sentence.save(update_fields=["expected_end", "updated"])
        for defendant in Defendant.objects.filter(pk__in=pks.get(Defendant, [])):
            defendant_refresh_status(defendant=defendant)

    def report(self, rows: list[dict], counts: Counter, *, restored: bool) -> None:
        per_model = Counter(apps.get_model(row["model"])._meta.label for row in rows)
        where = SEED_FIXTURE.relative_to(settings.BASE_DIR)
        if restored:
            self.stdout.write(
                _(
                    "Restored the Zhanaozen seed data from %(path)s (changed records set back: %(changed)d; "
                    "missing records re-created: %(created)d; records already as in the fixture: %(unchanged)d):"
                )
                % {
                    "path": where,
                    "changed": counts["changed"],
                    "created": counts["created"],
                    "unchanged": counts["unchanged"],
                }
            )
        else:
            self.stdout.write(_("Loaded the Zhanaozen seed data from %(path)s:") % {"path": where})
        for label, count in sorted(per_model.items()):
            self.stdout.write(f"  {label:<28} {count:>4}")
        self.stdout.write(self.style.SUCCESS(f"  {'total':<28} {len(rows):>4}"))
