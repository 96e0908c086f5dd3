from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group of unidentified persons")


class OrganizationKind(models.TextChoices):
    PARTY = "party", _("Political party or movement")
    NGO = "ngo", _("Non-governmental organisation")
    MEDIA = "media", _("Media outlet")
    COMPANY = "company", _("Company")
    COURT = "court", _("Court")
    STATE_BODY = "state_body", _("State body")
    INTERNATIONAL = "international", _("International body")
    OTHER = "other", _("Other")
