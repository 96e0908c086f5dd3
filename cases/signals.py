"""Keep each place's search text in step with its name variants (fixtures included)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from people.models import refresh_search_text

from .models import Place, PlaceName


@receiver(post_save, sender=Place)
def place_loaded(sender, instance, raw=False, **kwargs):
    if raw:
        refresh_search_text(instance)


@receiver([post_save, post_delete], sender=PlaceName)
def place_name_changed(sender, instance, **kwargs):
    refresh_search_text(instance.place)
