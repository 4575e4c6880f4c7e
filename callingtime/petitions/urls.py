"""Petition URLs: the public pages and JSON API, and the staff pages under /staff/."""

from callingtime.petitions.views_abuse import urlpatterns as abuse_urls
from callingtime.petitions.views_public import urlpatterns as public_urls
from callingtime.petitions.views_staff import urlpatterns as staff_urls

app_name = "petitions"
urlpatterns = [*public_urls, *staff_urls, *abuse_urls]
