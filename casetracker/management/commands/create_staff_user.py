import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext

from casetracker.roles import EDITOR, SENIOR_EDITOR, VIEWER, roles_sync

PASSWORD_ENV = "CASETRACKER_STAFF_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff user (or update an existing one) with one role: Viewer, Editor or Senior editor. "
        f"The password is asked for, or read from ${PASSWORD_ENV} with --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[VIEWER, EDITOR, SENIOR_EDITOR])
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt; take the password from ${PASSWORD_ENV}.",
        )

    def handle(self, *args, username, role, email, interactive, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        existed = user.pk is not None
        password = self._password(interactive, user)
        roles_sync()  # the group exists even if migrate was run before the roles were defined
        with transaction.atomic():
            user.email = email or user.email
            user.is_staff = True
            user.is_active = True
            if password:
                user.set_password(password)
            user.save()
            # One role at a time: moving someone from Editor to Viewer must take Editor away.
            user.groups.remove(*Group.objects.filter(name__in=[VIEWER, EDITOR, SENIOR_EDITOR]))
            user.groups.add(Group.objects.get(name=role))
        verb = "Updated" if existed else "Created"
        self.stdout.write(self.style.SUCCESS(f"{verb} staff user {username!r} with the role {role!r}."))

    def _password(self, interactive: bool, user) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password and not user.pk:
                raise CommandError(
                    gettext("Set %(variable)s to the new user's password, or run without --no-input.")
                    % {"variable": PASSWORD_ENV}
                )
        else:
            password = getpass.getpass("Password (empty keeps the current one): " if user.pk else "Password: ")
            if password and password != getpass.getpass("Password (again): "):
                raise CommandError(gettext("The two passwords differ; nothing was changed."))
            if not password and not user.pk:
                raise CommandError(gettext("A new user needs a password."))
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError("Password refused: " + " ".join(error.messages)) from None
        return password
