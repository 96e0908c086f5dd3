from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's tooling: the synthetic data generator and ``manage.py seed_synthetic``.

    An app only so Django finds the command; it has no models and sits above every domain app.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "bench"
    verbose_name = "Benchmark tooling"
