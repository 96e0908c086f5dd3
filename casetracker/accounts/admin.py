"""Admin pages for API tokens: who holds one, since when, until when; revoke by deleting.

Replaces django-rest-knox's own page, which lists digests first and lets an administrator
create a token for someone else (bypassing their password and second factor).
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.models import AuthToken

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("active")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.exclude(expiry__lt=timezone.now())
        if self.value() == "expired":
            return queryset.filter(expiry__lt=timezone.now())
        return queryset


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """API tokens, read-only; deleting one (or several, with the action) revokes it at once."""

    list_display = ["key_start", "user", "created", "expiry", "state"]
    list_filter = [TokenStateFilter, "created"]
    list_select_related = ["user"]
    search_fields = ["user__username", "token_key"]
    ordering = ["-created"]
    fields = ["user", "key_start", "created", "expiry", "state"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("token starts with"))
    def key_start(self, obj):
        return obj.token_key

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("expired") if obj.expiry and obj.expiry < timezone.now() else _("active")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["delete"])
    def revoke(self, request, queryset):
        count, _per_model = queryset.delete()
        self.message_user(
            request,
            ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", count) % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        # Tokens are issued by POST /api/v1/auth/token/ only, after the user's own password (and code).
        return False

    def has_change_permission(self, request, obj=None):
        return False
