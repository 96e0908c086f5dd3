from django.db import models


class PersonKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group of unidentified persons"


class OrganizationKind(models.TextChoices):
    PARTY = "party", "Political party or movement"
    NGO = "ngo", "Non-governmental organisation"
    MEDIA = "media", "Media outlet"
    COMPANY = "company", "Company"
    COURT = "court", "Court"
    STATE_BODY = "state_body", "State body"
    INTERNATIONAL = "international", "International body"
    OTHER = "other", "Other"
