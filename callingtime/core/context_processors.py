"""Template context every page needs: the site name and the data licence lines."""

from __future__ import annotations

from django.http import HttpRequest

from callingtime import __version__
from callingtime.sources import SOURCES


def site(request: HttpRequest) -> dict[str, object]:
    """Return the site-wide template context."""
    return {"site_name": "callingtime", "site_version": __version__, "data_sources": SOURCES}
