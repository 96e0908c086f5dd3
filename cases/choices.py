from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    STRIKE = "strike", "Strike"
    PROTEST = "protest", "Protest or demonstration"
    SHOOTING = "shooting", "Shooting or use of force"
    DEATH = "death", "Death"
    STATE_OF_EMERGENCY = "state_of_emergency", "State of emergency"
    COMMUNICATIONS_SHUTDOWN = "communications_shutdown", "Communications shutdown"
    ARRESTS = "arrests", "Arrests"
    DISMISSALS = "dismissals", "Dismissal of officials"
    MEDIA_CLOSURE = "media_closure", "Closure of media outlets"
    INVESTIGATION = "investigation", _("Investigation or inquiry")
    PUBLICATION = "publication", _("Publication of evidence (video, photographs, documents)")
    OTHER = "other", "Other"


class FigureMeasure(models.TextChoices):
    DEATHS = "deaths", "Deaths"
    INJURED = "injured", "Injured"
    ARRESTED = "arrested", "Arrested or detained"
    PARTICIPANTS = "participants", "Participants"
    DAYS = "days", "Duration in days"
    OTHER = "other", "Other"


class CaseKind(models.TextChoices):
    CRIMINAL = "criminal", "Criminal prosecution"
    ADMINISTRATIVE = "administrative", "Administrative proceedings"
    MEDIA_CLOSURE = "media_closure", "Closure of media outlets"
    INVESTIGATION = "investigation", "Investigation"
    OTHER = "other", "Other related matter"


class DefendantStatus(models.TextChoices):
    """Where a defendant stands: changed only through ``defendant_change_status``."""

    UNKNOWN = "unknown", "Unknown"
    SUSPECT = "suspect", "Suspect / under investigation"
    ARRESTED = "arrested", "Arrested"
    DETAINED = "detained", "In pre-trial detention"
    CHARGED = "charged", "Charged, at liberty"
    ON_TRIAL = "on_trial", "On trial"
    CONVICTED = "convicted", "Convicted"
    IMPRISONED = "imprisoned", "Serving a prison sentence"
    ON_PROBATION = "on_probation", "On probation / suspended sentence"
    RELEASED = "released", "Released"
    PARDONED = "pardoned", "Pardoned"
    AMNESTIED = "amnestied", "Amnestied"
    ACQUITTED = "acquitted", "Acquitted"
    CHARGES_DROPPED = "charges_dropped", "Charges dropped"
    DISMISSED = "dismissed", "Dismissed from office"
    DECEASED = "deceased", "Deceased"


class ChargeOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    CONVICTED = "convicted", "Convicted"
    ACQUITTED = "acquitted", "Acquitted"
    DROPPED = "dropped", "Dropped"
    UNKNOWN = "unknown", "Unknown"


class SentenceKind(models.TextChoices):
    IMPRISONMENT = "imprisonment", "Imprisonment"
    PROBATION = "probation", "Probation"
    SUSPENDED = "suspended", "Suspended sentence"
    RESTRICTED_FREEDOM = "restricted_freedom", "Restricted freedom"
    FINE = "fine", "Fine"
    COMMUNITY_SERVICE = "community_service", "Community service"
    BAN = "ban", "Ban on activity or office"
    OTHER = "other", "Other"


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
    SERVING = "serving", "Serving"
    COMPLETED = "completed", "Completed"
    RELEASED_EARLY = "released_early", "Released early"
    PARDONED = "pardoned", "Pardoned"
    AMNESTIED = "amnestied", "Amnestied"
    OVERTURNED = "overturned", "Overturned on appeal"
    NOT_STARTED = "not_started", "Not yet started"
    UNKNOWN = "unknown", "Unknown"


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
