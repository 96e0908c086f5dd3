"""``manage.py two_factor``: who must and who does sign in with a code; enrol, recovery codes, remove."""

import os

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from casetracker.accounts.two_factor import (
    recovery_codes_create,
    recovery_codes_left,
    totp_device_create,
    two_factor_enabled,
    two_factor_remove,
    two_factor_required,
)


class Command(BaseCommand):
    help = _(
        "Two-factor sign-in: 'status' lists staff (who must use it, who has it); 'enrol USER' sets up an "
        "authenticator app and prints its otpauth:// link (and QR code); 'recovery-codes USER' prints new "
        "single-use recovery codes; 'remove USER' removes a lost app and codes."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("status", help=_("List staff: must use two-factor sign-in, app set up, recovery codes."))
        enrol = actions.add_parser("enrol", help=_("Set up an authenticator app for a user (replaces any other)."))
        enrol.add_argument("username")
        enrol.add_argument("--qr", action="store_true", help=_("Also draw the QR code in this terminal."))
        enrol.add_argument(
            "--svg", metavar="FILE", help=_("Also write the QR code to FILE (SVG, readable by you only).")
        )
        codes = actions.add_parser(
            "recovery-codes", help=_("Print new recovery codes for a user (old ones stop working).")
        )
        codes.add_argument("username")
        remove = actions.add_parser("remove", help=_("Remove a user's authenticator app and recovery codes."))
        remove.add_argument("username")

    def handle(self, *args, action, **options):
        if action == "status":
            return self._status()
        user = self._user(options["username"])
        if action == "enrol":
            self._enrol(user, qr=options["qr"], svg=options["svg"])
        elif action == "recovery-codes":
            codes = recovery_codes_create(user=user)
            self.stdout.write(
                _("New recovery codes for %(user)s (each works once; the old ones no longer work):") % {"user": user}
            )
            for code in codes:
                self.stdout.write(f"  {code}")
        elif action == "remove":
            count = two_factor_remove(user=user)
            self.stdout.write(_("Removed %(count)d device(s) of %(user)s.") % {"count": count, "user": user})
            if two_factor_required(user):
                self.stdout.write(
                    _(
                        "%(user)s must use two-factor sign-in and cannot sign in until enrolled again: "
                        "manage.py two_factor enrol %(user)s"
                    )
                    % {"user": user}
                )

    def _user(self, username):
        model = get_user_model()
        try:
            return model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            raise CommandError(_("No user named %(name)s.") % {"name": username}) from None

    def _enrol(self, user, *, qr: bool, svg: str | None):
        device = totp_device_create(user=user, confirmed=True)
        codes = recovery_codes_create(user=user)
        self.stdout.write(
            _(
                "Authenticator app set up for %(user)s. Give them this link (or the QR code) in person or over a "
                "channel you trust; it is the secret their app makes codes from:"
            )
            % {"user": user}
        )
        self.stdout.write(f"  {device.config_url}")
        qr_code = segno.make(device.config_url, error="m")
        if qr:
            qr_code.terminal(out=self.stdout, compact=True)
        if svg:
            descriptor = os.open(svg, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                qr_code.save(out, kind="svg", scale=6, border=2)
            self.stdout.write(_("QR code written to %(path)s; delete it once scanned.") % {"path": svg})
        self.stdout.write(_("Recovery codes (each signs in once instead of an app code; keep them safe):"))
        for code in codes:
            self.stdout.write(f"  {code}")

    def _status(self):
        users = get_user_model()._default_manager.filter(is_active=True, is_staff=True).order_by("username")
        header = (_("user"), _("must use"), _("app set up"), _("recovery codes left"))
        rows = [
            (
                user.get_username(),
                _("yes") if two_factor_required(user) else _("no"),
                _("yes") if two_factor_enabled(user) else _("no"),
                str(recovery_codes_left(user)),
            )
            for user in users
        ]
        widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        missing = [row[0] for row in rows if row[1] == _("yes") and row[2] == _("no")]
        if missing:
            self.stdout.write(
                _("Cannot sign in until enrolled (manage.py two_factor enrol USER): %(users)s")
                % {"users": ", ".join(missing)}
            )
