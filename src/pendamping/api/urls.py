"""The API's URLs, open to requests without a session: they authenticate with a bearer token."""

from django.urls import URLResolver

from .api import api


def _without_login(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _without_login(pattern.url_patterns)
        else:
            pattern.callback.login_required = False
    return patterns


patterns, app_name, namespace = api.urls
urlpatterns = _without_login(patterns)
