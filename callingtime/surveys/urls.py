"""Survey URLs: the public answer pages, and the staff builder and results under /staff/."""

from callingtime.surveys.views_paper import urlpatterns as paper_urls
from callingtime.surveys.views_public import urlpatterns as public_urls
from callingtime.surveys.views_results import urlpatterns as results_urls
from callingtime.surveys.views_staff import urlpatterns as staff_urls

app_name = "surveys"
urlpatterns = [*public_urls, *staff_urls, *results_urls, *paper_urls]
