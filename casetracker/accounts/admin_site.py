"""The admin site: Django's, with sign-in limits and two-factor sign-in.

- Sign-in attempts are throttled per address and per user name (``casetracker.api.throttling``),
  on top of the lockout django-axes keeps per user name and address.
- The login form asks for a code after the password: required for staff who may see
  confidential records, and for anyone who enrolled (``casetracker.accounts.two_factor``).
  A required user without an enrolled app is refused with what to do.
- ``/admin/two-factor/`` lets a signed-in user enrol an authenticator app (QR code drawn here)
  and make new recovery codes.
"""

from base64 import b32encode

import django_otp
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from casetracker.api.throttling import login_throttle_wait, login_throttled_response

from .two_factor import (
    recovery_codes_create,
    recovery_codes_left,
    totp_device_confirm,
    totp_device_create,
    totp_qr_svg,
    two_factor_enabled,
    two_factor_needed,
    two_factor_required,
    two_factor_verify,
)

ENROLLING_SESSION_KEY = "casetracker_enrolling_device"


def is_verified(user) -> bool:
    """Did this session's sign-in include a second factor? (Set by django-otp's middleware.)"""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


class TwoFactorAuthenticationForm(AdminAuthenticationForm):
    """The admin login: user name, password, and a code from the authenticator app (or a recovery code)."""

    otp_token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=32,
        strip=True,
        help_text=_("From your authenticator app, or one of your recovery codes. Leave empty if you have neither."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 12}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "two_factor_not_set_up": _(
            "This account can see confidential records, so it must sign in with a two-factor code, and no "
            "authenticator app is set up for it. Ask an administrator to run: manage.py two_factor enrol %(username)s"
        ),
        "otp_required": _("Enter the code from your authenticator app, or one of your recovery codes."),
        "otp_invalid": _(
            "That two-factor code is not valid. Enter the code your authenticator app shows now, or an unused "
            "recovery code."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)  # active staff only
        if not two_factor_enabled(user):
            if two_factor_required(user):
                raise ValidationError(
                    self.error_messages["two_factor_not_set_up"],
                    code="two_factor_not_set_up",
                    params={"username": user.get_username()},
                )
            return
        code = self.cleaned_data.get("otp_token") or ""
        if not code:
            raise ValidationError(self.error_messages["otp_required"], code="otp_required")
        device = two_factor_verify(user=user, code=code)
        if device is None:
            # A wrong code after the right password is a failed login: it counts towards the lockout.
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=self.request)
            raise ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        # django-otp's user_logged_in receiver records the device in the session: the session is verified.
        user.otp_device = device


class CasetrackerAdminSite(admin.AdminSite):
    """Every ``@admin.register`` lands here (``casetracker.accounts.admin_config.AdminConfig``)."""

    login_form = TwoFactorAuthenticationForm
    login_template = "accounts/admin/login.html"
    index_template = "accounts/admin/index.html"

    def has_permission(self, request):
        """Staff, and verified with a code if they must be (or enrolled).

        A session from before the user had to use a second factor is sent back to the login page.
        """
        if not super().has_permission(request):
            return False
        return is_verified(request.user) or not two_factor_needed(request.user)

    def login(self, request, extra_context=None):
        if request.method == "POST":
            wait = login_throttle_wait(request)
            if wait is not None:
                return login_throttled_response(wait)
        return super().login(request, extra_context)

    def get_urls(self):
        return [path("two-factor/", self.admin_view(self.two_factor_view), name="two_factor"), *super().get_urls()]

    def each_context(self, request):
        context = super().each_context(request)
        user = request.user
        if user.is_authenticated:
            context["two_factor"] = {
                "enabled": two_factor_enabled(user),
                "required": two_factor_required(user),
            }
        return context

    def two_factor_view(self, request):
        return two_factor_page(request, site=self)


@sensitive_post_parameters("code")
@csrf_protect
def two_factor_page(request, *, site):
    """Enrol an authenticator app (scan, then confirm with its first code) and make recovery codes."""
    user = request.user
    context = {**site.each_context(request), "title": gettext("Two-factor sign-in"), "recovery_codes": None}
    enrolling = _enrolling_device(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            enrolling = totp_device_create(user=user, confirmed=False)
            request.session[ENROLLING_SESSION_KEY] = enrolling.pk
        elif action == "confirm" and enrolling is not None:
            if totp_device_confirm(device=enrolling, code=request.POST.get("code", "")[:32]):
                del request.session[ENROLLING_SESSION_KEY]
                enrolling.refresh_from_db()
                django_otp.login(request, enrolling)  # this session has just proven the code
                context["recovery_codes"] = recovery_codes_create(user=user)
                messages.success(request, gettext("Your authenticator app is set up. Keep the recovery codes below."))
                enrolling = None
            else:
                messages.error(request, gettext("That code is not valid. Enter the code your app shows now."))
        elif action == "recovery-codes" and two_factor_enabled(user):
            context["recovery_codes"] = recovery_codes_create(user=user)
            messages.success(request, gettext("New recovery codes made; the old ones no longer work."))
        elif action == "cancel" and enrolling is not None:
            enrolling.delete()
            del request.session[ENROLLING_SESSION_KEY]
            return redirect("admin:two_factor")
        else:
            return redirect("admin:two_factor")
    context.update(
        enabled=two_factor_enabled(user),
        required=two_factor_required(user),
        recovery_codes_left=recovery_codes_left(user),
        enrolling=enrolling,
    )
    if enrolling is not None:
        context.update(
            qr_svg=totp_qr_svg(enrolling),
            secret=b32encode(enrolling.bin_key).decode("ascii"),
            otpauth_uri=enrolling.config_url,
        )
    response = TemplateResponse(request, "accounts/admin/two_factor.html", context)
    response["Cache-Control"] = "no-store"  # the page shows a secret and recovery codes
    return response


def _enrolling_device(request):
    pk = request.session.get(ENROLLING_SESSION_KEY)
    if pk is None:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()
