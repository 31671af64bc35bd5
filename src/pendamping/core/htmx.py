"""Small helpers for htmx requests."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that asks for a fragment (not a boosted whole-page navigation)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def template_for(request: HttpRequest, page: str, partial: str) -> str:
    """The partial for an htmx request, the whole page otherwise."""
    return partial if is_htmx(request) else page
