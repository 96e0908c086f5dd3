from django.contrib import admin
from django.urls import path

admin.site.site_header = "casetracker"
admin.site.site_title = "casetracker staff"
admin.site.index_title = "Prosecutions, people and sources"

urlpatterns = [
    path("admin/", admin.site.urls),
]
