"""Top-level URL map: the public evidence pages and the staff admin."""

from django.contrib import admin
from django.urls import include, path

from callingtime.core.views import post_probe

urlpatterns = [
    path("staff/admin/", admin.site.urls),
    path("-/post-probe", post_probe, name="post_probe"),
    path("", include("callingtime.petitions.urls")),
    path("", include("callingtime.paper.urls")),
    path("", include("callingtime.surveys.urls")),
    path("", include("callingtime.evidence.urls")),
]
