"""Staff roles, defined in code and kept in sync as Django groups.

===============  ===========================================================================
Viewer           sees every case record in the admin and the API (public and restricted
                 people, not confidential ones); changes nothing.
Editor           Viewer, plus adds and changes cases, defendants, status changes, charges,
                 trials, sentences, sources, citations, events, places, people and
                 organizations; may delete name variants, citations, memberships and event
                 figures (fixing a wrong link), not primary records. Cannot see
                 confidential people.
Senior editor    Editor, plus ``people.view_confidential``: sees confidential people,
                 cases and sources; and ``people.publish``: may make a record less
                 protected (confidential → restricted → public); and
                 ``people.view_special_category``: sees a person's ethnicity and religion.
                 Editors create and edit at the restricted or confidential level only.
===============  ===========================================================================

Deleting primary records (a case, a person, a sentence, a status change) is left to
superusers: records are history, and ``casetracker.deletion`` refuses deletes that would
orphan dependants anyway.

The groups are synchronised after every ``migrate`` (so a fresh database, a Docker start
and the test database all have them) and by ``manage.py create_roles``. The definition
here is the truth: a permission added to one of these groups by hand is removed at the next
sync. Make your own group for local variations.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q

ROLE_APPS = ("sources", "people", "cases")

VIEWER = "Viewer"
EDITOR = "Editor"
SENIOR_EDITOR = "Senior editor"

# Link and variant records an Editor may delete to correct a mistake.
EDITOR_DELETABLE = frozenset(
    {
        "people.personname",
        "people.organizationname",
        "people.membership",
        "cases.placename",
        "sources.citation",
        "cases.eventfigure",
    }
)

CONFIDENTIAL_PERMISSION = ("people", "view_confidential")
PUBLISH_PERMISSION = ("people", "publish")
SPECIAL_CATEGORY_PERMISSION = ("people", "view_special_category")


@dataclass(frozen=True)
class RoleSync:
    """What one synchronisation did: the group, whether it was new, and its permission count."""

    name: str
    created: bool
    permission_count: int


def _is_history_model(model) -> bool:
    return getattr(model, "_history_model", False) or model.__name__.startswith("Historical")


def role_permission_keys() -> dict[str, set[tuple[str, str]]]:
    """Each role's permissions as ``(app_label, codename)`` pairs, derived from the current models."""
    viewer: set[tuple[str, str]] = set()
    editor: set[tuple[str, str]] = set()
    for label in ROLE_APPS:
        for model in apps.get_app_config(label).get_models():
            name = model._meta.model_name
            viewer.add((label, f"view_{name}"))
            if _is_history_model(model):
                continue  # history is written automatically; nobody edits it by hand
            editor.update({(label, f"add_{name}"), (label, f"change_{name}")})
            if f"{label}.{name}" in EDITOR_DELETABLE:
                editor.add((label, f"delete_{name}"))
    editor |= viewer
    return {
        VIEWER: viewer,
        EDITOR: editor,
        SENIOR_EDITOR: editor | {CONFIDENTIAL_PERMISSION, PUBLISH_PERMISSION, SPECIAL_CATEGORY_PERMISSION},
    }


def _permissions(keys: set[tuple[str, str]], *, using: str) -> list[Permission]:
    query = Q()
    for app_label, codename in keys:
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.using(using).filter(query).select_related("content_type"))
    missing = keys - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise RuntimeError(f"Permissions missing from the database: {sorted(missing)}. Run `manage.py migrate` first.")
    return found


def roles_sync(*, using: str = DEFAULT_DB_ALIAS) -> list[RoleSync]:
    """Create the Viewer, Editor and Senior editor groups, or reset them to their definition.

    Idempotent. Creates any missing model permissions first, so it does not depend on the
    order in which ``post_migrate`` handlers ran.
    """
    for label in ROLE_APPS:
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    results = []
    for name, keys in role_permission_keys().items():
        group, created = Group.objects.using(using).get_or_create(name=name)
        permissions = _permissions(keys, using=using)
        group.permissions.set(permissions)
        results.append(RoleSync(name=name, created=created, permission_count=len(permissions)))
    return results


def roles_sync_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, verbosity=1, plan=None, **kwargs):
    """``post_migrate`` receiver: keep the groups in step with the models after every migrate."""
    tables = set(connections[using].introspection.table_names())
    if not {"auth_group", "auth_permission", "django_content_type"} <= tables:
        return  # migrated backwards below auth: nothing to attach roles to
    for result in roles_sync(using=using):
        if verbosity >= 2:
            state = "created" if result.created else "updated"
            print(f"  Role {result.name!r} {state} with {result.permission_count} permissions.")
