"""Moving Source and Citation from ``cases`` to ``sources`` loses nothing on an existing database.

The database is migrated back to the state before the move (``cases`` 0010), rows are written
with the models as they were then (a source, a citation of a person and one of the source
itself, a permission given to a group, an admin log entry), and the database is migrated forward.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sources.models import Citation, Source

BEFORE = [("cases", "0010_tracked_model"), ("people", "0008_tracked_model"), ("sources", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.mark.slow(seconds=120)
@pytest.mark.django_db(transaction=True)
def test_sources_and_citations_survive_the_move_with_their_permissions_and_log_entries():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    try:
        OldContentType = old.get_model("contenttypes", "ContentType")
        OldPermission = old.get_model("auth", "Permission")
        OldGroup = old.get_model("auth", "Group")
        OldUser = old.get_model("auth", "User")
        OldLogEntry = old.get_model("admin", "LogEntry")
        OldSource = old.get_model("cases", "Source")
        OldCitation = old.get_model("cases", "Citation")
        OldPerson = old.get_model("people", "Person")

        source_type = OldContentType.objects.get_or_create(app_label="cases", model="source")[0]
        person_type = OldContentType.objects.get_or_create(app_label="people", model="person")[0]
        source = OldSource.objects.create(title="Verdict of the Aktau court", confidentiality="public")
        person = OldPerson.objects.create(name="Vladimir Kozlov", search_text="vladimir kozlov")
        OldCitation.objects.create(source=source, content_type=person_type, object_id=person.pk, excerpt="Kozlov")
        OldCitation.objects.create(source=source, content_type=source_type, object_id=source.pk, excerpt="2012")
        permission = OldPermission.objects.get_or_create(
            content_type=source_type, codename="change_source", defaults={"name": "Can change source"}
        )[0]
        group = OldGroup.objects.create(name="Source editors")
        group.permissions.add(permission)
        user = OldUser.objects.create(username="editor")
        OldLogEntry.objects.create(
            user=user, content_type=source_type, object_id=str(source.pk), object_repr="Verdict", action_flag=2
        )
        old_type_id, source_pk = source_type.pk, source.pk
    finally:
        _migrate(leaves)
    ContentType.objects.clear_cache()

    moved = ContentType.objects.get(app_label="sources", model="source")
    assert moved.pk == old_type_id, "the content type row is renamed, not replaced"
    assert not ContentType.objects.filter(app_label="cases", model="source").exists()
    assert moved.model_class() is Source
    source = Source.objects.get(pk=source_pk)
    assert source.title == "Verdict of the Aktau court"
    citations = Citation.objects.filter(source=source).order_by("id")
    assert [c.excerpt for c in citations] == ["Kozlov", "2012"]
    assert citations[0].content_object.name == "Vladimir Kozlov"
    assert citations[1].content_object == source, "a citation of a source still finds it (generic foreign key)"
    assert (
        Permission.objects.get(content_type=moved, codename="change_source")
        .group_set.filter(name="Source editors")
        .exists()
    )
    assert Group.objects.get(name="Source editors").permissions.filter(content_type__app_label="sources").count() == 1
    entry = LogEntry.objects.get(object_id=str(source_pk))
    assert entry.get_edited_object() == source
    # The old admin address leads to the new one.
    assert entry.get_admin_url() == f"/admin/sources/source/{source_pk}/change/"


@pytest.mark.django_db
def test_old_admin_addresses_of_sources_and_citations_redirect_permanently(client):
    response = client.get("/admin/cases/source/12/change/?_changelist_filters=q%3Dx")
    assert response.status_code == 301
    assert response["Location"] == "/admin/sources/source/12/change/?_changelist_filters=q%3Dx"
    assert client.get("/admin/cases/citation/").headers["Location"] == "/admin/sources/citation/"
