"""The front door: ``/`` says what the service is and where to go from here.

Before it, ``/`` (and the admin's "View site" link, ``admin.site.site_url``) was a 404. The page
asks nothing of the database, so it answers during an outage too, and loads nothing but this
service's own stylesheet (the Content-Security-Policy allows no other host).
"""

from django.views.generic import TemplateView


class HomeView(TemplateView):
    """What casetracker is, with links to the admin, the API docs, the API root and the public summaries."""

    template_name = "casetracker/home.html"
    http_method_names = ["get", "head"]
