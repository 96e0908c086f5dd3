"""API tokens (django-rest-knox): stored as SHA-512 digests, expiring, for active staff only.

A token is shown once, when it is issued; the database keeps its digest and its first
characters (``token_key``, enough to tell tokens apart in a list). Every token of a user is
revoked when their password changes, and when they stop being active staff.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.models import AuthToken

_PASSWORD_CHANGED = "_casetracker_password_changed"


def token_create(*, user) -> tuple[AuthToken, str]:
    """Issue a token for ``user`` (expiring after ``API_TOKEN_TTL_HOURS``); returns the record and the
    token itself, which is never stored and cannot be shown again."""
    assert user.is_active and user.is_staff, "API tokens are for active staff members only; check before issuing."
    # Each sign-in issues a new token; the user's expired ones (which no longer work) go now.
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=user)


def tokens_revoke(*, user) -> int:
    """Revoke every token of ``user``; returns how many there were."""
    count, _per_model = AuthToken.objects.filter(user=user).delete()
    return count


def tokens_clear_expired() -> int:
    """Delete tokens past their expiry (they no longer work either way); returns how many."""
    count, _per_model = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return count


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="casetracker.tokens.password_changed")
def _note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Compare the password hash about to be saved with the stored one.

    Catches every way a password changes (the admin, ``changepassword``, ``set_password`` in code,
    a reset), because all of them save a new hash. A hash upgrade on sign-in (a new Django raising
    the hasher's work factor) is a new hash too, and revokes the user's tokens once: harmless, as
    tokens expire within hours anyway. ``QuerySet.update()`` sends no signal and is not seen.
    """
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    setattr(instance, _PASSWORD_CHANGED, stored is not None and stored != instance.password)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="casetracker.tokens.revoke_after_save")
def _revoke_after_save(sender, instance, created=False, raw=False, **kwargs):
    """Revoke the user's tokens once the new password (or lost staff status) is saved."""
    if raw or created:
        return
    if getattr(instance, _PASSWORD_CHANGED, False) or not (instance.is_active and instance.is_staff):
        setattr(instance, _PASSWORD_CHANGED, False)
        tokens_revoke(user=instance)
