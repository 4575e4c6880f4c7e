"""A lost database connection reads as 503 "try again", never a bare 500."""

from __future__ import annotations

from django.db import OperationalError
from django.test import RequestFactory

from callingtime.core.middleware import RETRY_AFTER_SECONDS, DatabaseUnavailableMiddleware


def _broken(request: object) -> object:
    raise AssertionError("not called")


def test_operational_error_becomes_503_with_retry_after() -> None:
    middleware = DatabaseUnavailableMiddleware(_broken)  # type: ignore[arg-type]
    request = RequestFactory().post("/petitions/1/sign/?email=someone@example.org")
    response = middleware.process_exception(request, OperationalError("server closed"))
    assert response is not None and response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert b"nothing you sent was saved" in response.content


def test_other_errors_pass_through() -> None:
    middleware = DatabaseUnavailableMiddleware(_broken)  # type: ignore[arg-type]
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, ValueError("x")) is None
