from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    ARTICLE = "article", _("News article")
    REPORT = "report", _("Report")
    VERDICT = "verdict", _("Court verdict or judgment")
    INTERVIEW = "interview", _("Interview or testimony")
    STATEMENT = "statement", _("Official statement")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other document")
