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


class Sex(models.TextChoices):
    """A person's sex as the sources state it (nothing is inferred from a name)."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other (as the sources state it)")


class OccupationCategory(models.TextChoices):
    """What a person did for a living, in categories that can be filtered on."""

    WORKER = "worker", _("Worker (industrial or manual)")
    OIL_WORKER = "oil_worker", _("Oil or gas worker")
    JOURNALIST = "journalist", _("Journalist or blogger")
    LAWYER = "lawyer", _("Lawyer")
    HUMAN_RIGHTS_DEFENDER = "rights_defender", _("Human rights defender")
    POLITICIAN = "politician", _("Politician or party activist")
    CIVIL_SOCIETY = "civil_society", _("Civil society activist")
    TRADE_UNIONIST = "trade_unionist", _("Trade unionist")
    RELIGIOUS = "religious", _("Religious figure or believer")
    ACADEMIC = "academic", _("Academic, teacher or student")
    BUSINESS = "business", _("Business person")
    PUBLIC_SERVANT = "public_servant", _("Public servant")
    UNEMPLOYED = "unemployed", _("Unemployed")
    OTHER = "other", _("Other")


class Right(models.TextChoices):
    """A right a person was exercising when they were targeted (several may apply)."""

    EXPRESSION = "expression", _("Freedom of expression")
    ASSEMBLY = "assembly", _("Freedom of peaceful assembly")
    ASSOCIATION = "association", _("Freedom of association")
    RELIGION = "religion", _("Freedom of religion or belief")
    LABOUR = "labour", _("Labour rights (strikes, unions)")
    PARTICIPATION = "participation", _("Political participation")
    PRESS = "press", _("Press freedom")
    DEFENCE = "defence", _("Defending human rights or others in court")
    MOVEMENT = "movement", _("Freedom of movement")
    OTHER = "other", _("Other")


class RecognitionKind(models.TextChoices):
    """What an organization recognises a person as."""

    POLITICAL_PRISONER = "political_prisoner", _("Political prisoner")
    PRISONER_OF_CONSCIENCE = "conscience", _("Prisoner of conscience")
    POLITICALLY_MOTIVATED = "politically_motivated", _("Politically motivated prosecution")
    OTHER = "other", _("Other")
