"""Who may do what through the API.

Anyone may read; what they see is narrowed by confidentiality (see
``casetracker.visibility``). Writes need a signed-in user holding the
Django model permission for the action (``cases.add_sentence`` …), the same
permissions the admin uses.
"""

from django.utils.translation import gettext
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ReadAnyoneWriteWithModelPermissions(DjangoModelPermissions):
    """Reads for everyone; create/update/delete with the model's add/change/delete permission.

    A view (or one of its actions) may name another model in ``permission_model``:
    recording a status change through ``/defendants/{id}/status-changes/`` needs
    ``cases.add_statuschange``, not ``cases.add_defendant``.
    """

    authenticated_users_only = False

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not user or not user.is_authenticated:
            return False
        model = getattr(view, "permission_model", None) or self._queryset(view).model
        required = self.get_required_permissions(request.method, model)
        if user.has_perms(required):
            return True
        # Say which permission is missing, so the client knows whom to ask for what.
        self.message = gettext(
            "Your account lacks the permission this needs (%(permissions)s); "
            "ask an administrator for a role that includes it."
        ) % {"permissions": ", ".join(required)}
        return False
