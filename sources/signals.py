"""A saved citation is checked against its source's documents at once (:func:`sources.services.citations_verify`)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Citation


@receiver(post_save, sender=Citation, dispatch_uid="citation-verify")
def verify_saved_citation(sender, instance, raw=False, **kwargs):
    if raw:
        return  # loading a fixture: no documents yet (manage.py verify_citations checks later)
    from .services import citations_verify

    counts = citations_verify(Citation.objects.filter(pk=instance.pk))
    refreshed = Citation.objects.filter(pk=instance.pk).values("verified", "verified_document_id").first()
    if refreshed and counts:
        instance.verified = refreshed["verified"]
        instance.verified_document_id = refreshed["verified_document_id"]
