from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    STRIKE = "strike", _("Strike")
    PROTEST = "protest", _("Protest or demonstration")
    SHOOTING = "shooting", _("Shooting or use of force")
    DEATH = "death", _("Death")
    STATE_OF_EMERGENCY = "state_of_emergency", _("State of emergency")
    COMMUNICATIONS_SHUTDOWN = "communications_shutdown", _("Communications shutdown")
    ARRESTS = "arrests", _("Arrests")
    DISMISSALS = "dismissals", _("Dismissal of officials")
    MEDIA_CLOSURE = "media_closure", _("Closure of media outlets")
    INVESTIGATION = "investigation", _("Investigation or inquiry")
    PUBLICATION = "publication", _("Publication of evidence (video, photographs, documents)")
    OTHER = "other", _("Other")


class FigureMeasure(models.TextChoices):
    DEATHS = "deaths", _("Deaths")
    INJURED = "injured", _("Injured")
    ARRESTED = "arrested", _("Arrested or detained")
    PARTICIPANTS = "participants", _("Participants")
    DAYS = "days", _("Duration in days")
    OTHER = "other", _("Other")


class CaseKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal prosecution")
    ADMINISTRATIVE = "administrative", _("Administrative proceedings")
    MEDIA_CLOSURE = "media_closure", _("Closure of media outlets")
    INVESTIGATION = "investigation", _("Investigation")
    OTHER = "other", _("Other related matter")


class DefendantStatus(models.TextChoices):
    """Where a defendant stands: changed only through ``defendant_change_status``."""

    UNKNOWN = "unknown", _("Unknown")
    SUSPECT = "suspect", _("Suspect / under investigation")
    ARRESTED = "arrested", _("Arrested")
    DETAINED = "detained", _("In pre-trial detention")
    CHARGED = "charged", _("Charged, at liberty")
    ON_TRIAL = "on_trial", _("On trial")
    CONVICTED = "convicted", _("Convicted")
    IMPRISONED = "imprisoned", _("Serving a prison sentence")
    ON_PROBATION = "on_probation", _("On probation / suspended sentence")
    RELEASED = "released", _("Released")
    PARDONED = "pardoned", _("Pardoned")
    AMNESTIED = "amnestied", _("Amnestied")
    ACQUITTED = "acquitted", _("Acquitted")
    CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
    DISMISSED = "dismissed", _("Dismissed from office")
    DECEASED = "deceased", _("Deceased")


class ChargeOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DROPPED = "dropped", _("Dropped")
    UNKNOWN = "unknown", _("Unknown")


class SentenceKind(models.TextChoices):
    IMPRISONMENT = "imprisonment", _("Imprisonment")
    PROBATION = "probation", _("Probation")
    SUSPENDED = "suspended", _("Suspended sentence")
    RESTRICTED_FREEDOM = "restricted_freedom", _("Restricted freedom")
    FINE = "fine", _("Fine")
    COMMUNITY_SERVICE = "community_service", _("Community service")
    BAN = "ban", _("Ban on activity or office")
    OTHER = "other", _("Other")


# Kinds whose term is a length of time the person is bound by.
TERM_KINDS = {
    SentenceKind.IMPRISONMENT,
    SentenceKind.PROBATION,
    SentenceKind.SUSPENDED,
    SentenceKind.RESTRICTED_FREEDOM,
    SentenceKind.COMMUNITY_SERVICE,
    SentenceKind.BAN,
}


class SentenceStatus(models.TextChoices):
    SERVING = "serving", _("Serving")
    COMPLETED = "completed", _("Completed")
    RELEASED_EARLY = "released_early", _("Released early")
    PARDONED = "pardoned", _("Pardoned")
    AMNESTIED = "amnestied", _("Amnestied")
    OVERTURNED = "overturned", _("Overturned on appeal")
    NOT_STARTED = "not_started", _("Not yet started")
    UNKNOWN = "unknown", _("Unknown")


class AllegationKind(models.TextChoices):
    """What a claim is about (see ``cases.models.Allegation``)."""

    EXCESSIVE_FORCE = "excessive_force", _("Excessive or unlawful use of force")
    TORTURE = "torture", _("Torture or ill-treatment")
    PERSECUTION = "persecution", _("Persecution or harassment")
    UNFAIR_PROSECUTION = "unfair_prosecution", _("Unfair prosecution or trial")
    VIOLENCE = "violence", _("Violence or destruction of property")
    IMPUNITY = "impunity", _("Failure to investigate or punish")
    FIGURE = "figure", _("A number claimed (dead, arrested, jailed …)")
    OTHER = "other", _("Other")


class FacilityKind(models.TextChoices):
    """What sort of place a person is held in."""

    POLICE_CUSTODY = "police_custody", _("Police custody (temporary detention)")
    PRE_TRIAL = "pre_trial", _("Pre-trial detention centre")
    PRISON = "prison", _("Prison")
    PENAL_COLONY = "penal_colony", _("Penal colony")
    PSYCHIATRIC = "psychiatric", _("Psychiatric hospital")
    HOUSE_ARREST = "house_arrest", _("House arrest")
    OTHER = "other", _("Other")


class TreatmentConcern(models.TextChoices):
    """What an allegation about a person in custody concerns (see ``cases.models.Allegation.concern``)."""

    HEALTH = "health", _("Health or medical care")
    ILL_TREATMENT = "ill_treatment", _("Ill-treatment or torture")
    ACCESS_DENIED = "access_denied", _("Visits or lawyer access denied")
    HUNGER_STRIKE = "hunger_strike", _("Hunger strike")
    SOLITARY = "solitary", _("Solitary confinement")
    TRANSFER = "transfer", _("Transfer far from family")
    OTHER = "other", _("Other conditions of detention")
