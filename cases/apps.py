from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases and prosecutions"

    def ready(self):
        from .api import people

        people.register()
