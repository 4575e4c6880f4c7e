"""Probes for load balancers and monitoring that belong to no app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def post_probe(request: HttpRequest) -> HttpResponse:
    """Answer a CSRF-checked form POST with 204 and touch nothing.

    Monitoring uses it to see that form posts get through the proxies and the CSRF check,
    and the load benchmark uses it as the framework's own ceiling for a POST on this server.
    """
    return HttpResponse(status=204, headers={"Cache-Control": "no-store"})
