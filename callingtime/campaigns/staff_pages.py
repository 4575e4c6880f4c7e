"""What every staff page of every campaign app shares: private answers, sign-in first.

Staff pages hold counts before they are public and, on some, personal data: every response,
refusals included, is `Cache-Control: private, no-store`. The page templates live with the
petitions app's staff layout (`petitions/staff/base.html`), which the other apps extend.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.views.defaults import page_not_found, permission_denied

View = Callable[..., HttpResponseBase]
STAFF_403_TEMPLATE = "petitions/staff/403.html"


def private(view: View) -> View:
    """Mark every response of the view, refusals included, private and never stored."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except PermissionDenied as error:
            response = permission_denied(request, error, template_name=STAFF_403_TEMPLATE)
        except Http404 as error:
            response = page_not_found(request, error)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def staff_page(view: View) -> View:
    """Send anonymous visitors to sign in first; a private page otherwise."""

    @wraps(view)
    def signed_in(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return private(signed_in)
