"""Paper URLs: the public pack request, and the staff pages under /staff/petitions/<id>/paper/."""

from callingtime.paper.views_keying import urlpatterns as keying_urls
from callingtime.paper.views_packs import urlpatterns as pack_urls
from callingtime.paper.views_public import urlpatterns as public_urls

app_name = "paper"
urlpatterns = [*public_urls, *pack_urls, *keying_urls]
