"""The API's URLs, open to requests without a session: they authenticate with a bearer token. A path the API does
not have, and a method a path does not take, get the API's JSON error too (not the site's page)."""

import functools

from django.urls import URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .api import api
from .errors import error_response


def _json_405(view):
    """ninja answers a method a path does not take with a plain-text 405: the API's JSON instead."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(
                405,
                "method_not_allowed",
                _("%(method)s is not taken here; this path takes %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
            )
            response["Allow"] = allowed
        return response

    return wrapper


def _open(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open(pattern.url_patterns)
        else:
            pattern.callback = _json_405(pattern.callback)
            pattern.callback.login_required = False
    return patterns


@csrf_exempt
def not_found(request, rest: str = ""):
    return error_response(404, "not_found", _("The API has no %(path)s.") % {"path": request.path})


not_found.login_required = False

patterns, app_name, namespace = api.urls
urlpatterns = [*_open(patterns), re_path(r"^(?P<rest>.*)$", not_found)]
