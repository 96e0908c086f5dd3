from django.db import models


class SourceKind(models.TextChoices):
    ARTICLE = "article", "News article"
    REPORT = "report", "Report"
    VERDICT = "verdict", "Court verdict or judgment"
    INTERVIEW = "interview", "Interview or testimony"
    STATEMENT = "statement", "Official statement"
    VIDEO = "video", "Video"
    OTHER = "other", "Other document"
