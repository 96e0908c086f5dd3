"""Keep each person's and organization's search text in step with its name variants.

Fixtures are loaded with ``raw=True``, which bypasses ``save()``; the
receivers below rebuild the search text in that case too, so seed data is
searchable as soon as it is loaded.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Organization, OrganizationName, Person, PersonName, refresh_search_text


@receiver(post_save, sender=Person)
@receiver(post_save, sender=Organization)
def owner_loaded(sender, instance, raw=False, **kwargs):
    if raw:
        refresh_search_text(instance)


@receiver([post_save, post_delete], sender=PersonName)
def person_name_changed(sender, instance, **kwargs):
    refresh_search_text(instance.person)


@receiver([post_save, post_delete], sender=OrganizationName)
def organization_name_changed(sender, instance, **kwargs):
    refresh_search_text(instance.organization)
