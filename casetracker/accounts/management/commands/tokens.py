"""``manage.py tokens``: list API tokens, revoke them."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import CONSTANTS

from casetracker.accounts.tokens import tokens_clear_expired, tokens_revoke


class Command(BaseCommand):
    help = _(
        "List API tokens (user, the token's first characters, issued, expires), or revoke them: every token of "
        "a user, one token by its first characters, or all. Tokens are stored hashed; none can be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", metavar="USERNAME", help=_("List only this user's tokens."))
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--list", action="store_true", help=_("List tokens (what the command does by default)."))
        action.add_argument("--revoke", metavar="USERNAME", help=_("Revoke every token of this user."))
        action.add_argument(
            "--revoke-key", metavar="PREFIX", help=_("Revoke the token whose first characters these are.")
        )
        action.add_argument("--revoke-all", action="store_true", help=_("Revoke every token of every user."))
        action.add_argument("--clear-expired", action="store_true", help=_("Delete expired tokens."))

    def handle(self, *args, **options):
        if options["revoke"]:
            user = self._user(options["revoke"])
            count = tokens_revoke(user=user)
            self.stdout.write(_("Revoked %(count)d token(s) of %(user)s.") % {"count": count, "user": user})
        elif options["revoke_key"]:
            # A whole token pasted in works too: only its first characters are stored.
            prefix = options["revoke_key"].strip()[: CONSTANTS.TOKEN_KEY_LENGTH]
            if len(prefix) < 8:
                raise CommandError(_("Give at least the first 8 characters of the token, as the list shows them."))
            matches = AuthToken.objects.filter(token_key__startswith=prefix)
            count = matches.count()
            if count != 1:
                raise CommandError(
                    _("%(count)d tokens start with %(prefix)s; give exactly one (see manage.py tokens).")
                    % {"count": count, "prefix": prefix}
                )
            token = matches.select_related("user").get()
            token.delete()
            self.stdout.write(_("Revoked token %(key)s of %(user)s.") % {"key": token.token_key, "user": token.user})
        elif options["revoke_all"]:
            count, _per_model = AuthToken.objects.all().delete()
            self.stdout.write(_("Revoked %(count)d token(s).") % {"count": count})
        elif options["clear_expired"]:
            count = tokens_clear_expired()
            self.stdout.write(_("Deleted %(count)d expired token(s).") % {"count": count})
        else:
            self._list(options["user"])

    def _user(self, username):
        try:
            return get_user_model()._default_manager.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user named %(name)s.") % {"name": username}) from None

    def _list(self, username):
        tokens = AuthToken.objects.select_related("user").order_by("user__username", "-created")
        if username:
            tokens = tokens.filter(user=self._user(username))
        now = timezone.now()
        rows = [
            (
                token.user.get_username(),
                token.token_key,
                timezone.localtime(token.created).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(token.expiry).strftime("%Y-%m-%d %H:%M") if token.expiry else _("never"),
                _("expired") if token.expiry and token.expiry < now else _("active"),
            )
            for token in tokens
        ]
        if not rows:
            self.stdout.write(_("No API tokens."))
            return
        header = (_("user"), _("token starts with"), _("issued"), _("expires"), _("state"))
        widths = [max(len(str(row[column])) for row in [header, *rows]) for column in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
        self.stdout.write(
            _("%(count)d token(s). Revoke with: manage.py tokens --revoke USERNAME, or --revoke-key PREFIX.")
            % {"count": len(rows)}
        )
