"""Top-level URL map: the public evidence pages and the staff admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("staff/admin/", admin.site.urls),
    path("", include("callingtime.evidence.urls")),
]
