"""Two-factor sign-in (django-otp): an authenticator app (TOTP) plus single-use recovery codes.

Who needs it: every active staff member who may see confidential records
(``people.view_confidential``: Senior editors and superusers) or special-category data
(``people.view_special_category``: ethnicity, religion) must sign in with a code; anyone
else may enrol, and once enrolled signs in with a code too. The admin login asks for the code
after the password (``casetracker.accounts.admin_site``), and so does the API token login
(``casetracker.api.auth``, field ``otp``).

A user has at most one authenticator app (a ``TOTPDevice``) and one set of recovery codes (a
``StaticDevice`` whose tokens are used up one by one).
"""

import io

import django_otp
import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

CONFIDENTIAL_PERMISSION = "people.view_confidential"
#: the permissions whose holders must sign in with a second factor
PROTECTED_DATA_PERMISSIONS = (CONFIDENTIAL_PERMISSION, "people.view_special_category")
APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10


def two_factor_required(user) -> bool:
    """Must this user sign in with a second factor? Staff who may see confidential records or special-category
    data must."""
    return bool(user.is_active and user.is_staff and any(user.has_perm(name) for name in PROTECTED_DATA_PERMISSIONS))


def two_factor_enabled(user) -> bool:
    """Has this user a confirmed authenticator app? (Recovery codes alone do not count.)"""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_needed(user) -> bool:
    """Must this sign-in carry a code: the user is enrolled, or is required to be."""
    return two_factor_required(user) or two_factor_enabled(user)


def two_factor_verify(*, user, code: str):
    """The device that accepts ``code`` for ``user`` (used up, if a recovery code), or ``None``.

    Six digits are checked against the authenticator app, anything else against the recovery
    codes, so one wrong guess counts against one device's throttle (django-otp doubles the wait
    after each failure). Checked under a row lock, so one code cannot be used twice at once.
    """
    code = "".join(code.split()).lower()
    if not code:
        return None
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def totp_device_create(*, user, confirmed: bool) -> TOTPDevice:
    """A new authenticator-app device for ``user``, replacing any unconfirmed one.

    ``confirmed=False`` while the user proves, with a first code, that their app has the secret
    (the admin's enrolment page); an administrator enrolling someone from the command line
    confirms at once. A confirmed device replaces the user's previous app.
    """
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    if confirmed:
        TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=confirmed)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolling device with the first code its app shows; replaces the previous app."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token("".join(code.split())):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def recovery_codes_create(*, user, count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Replace ``user``'s recovery codes with ``count`` new ones and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_remove(*, user) -> int:
    """Remove every device of ``user`` (a lost phone); they must enrol again if they are required to."""
    count = 0
    for device in django_otp.devices_for_user(user, confirmed=None):
        device.delete()
        count += 1
    return count


def totp_qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code (the ``otpauth://`` URI) as inline SVG: made here, no outside service."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", xmldecl=False, svgns=True, scale=4, border=2)
    return out.getvalue().decode("utf-8")
