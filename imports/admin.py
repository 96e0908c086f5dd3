"""An "Import" button on the change list of every importable model.

The apps below know nothing of imports (the dependency points from ``imports`` to them), so the
button is added here, after their admins are registered: each importable model's admin gets a
change-list template that adds the button to Django's own.
"""

from django.contrib import admin

from .kinds import KIND_OF_MODEL

for model, definition in KIND_OF_MODEL.items():
    model_admin = admin.site._registry.get(model)
    if model_admin is not None and model_admin.change_list_template is None:
        model_admin.change_list_template = "admin/imports/change_list.html"
        model_admin.import_kind = definition.name
