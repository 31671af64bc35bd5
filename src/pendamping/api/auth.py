"""Bearer tokens: `Authorization: Bearer <token>`, checked against the SHA-256 kept by accounts.ApiToken.
The write endpoints also take the browser's session (the offline forms), with Django's CSRF check."""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from pendamping.accounts.services import api_token_use

from .errors import ApiError


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        api_token = api_token_use(secret=token)
        if api_token is None:
            return None
        request.user = api_token.user  # the selectors and services read the actor from here
        request.api_token = api_token
        return api_token.user


class SessionCsrfAuth(SessionAuth):
    """A logged-in session, only with a valid CSRF token (X-CSRFToken header); without a session it stays out of the
    way, so a request with a bad token still gets 401 not_authenticated."""

    def _get_key(self, request):
        key = request.COOKIES.get(self.param_name)
        if not key or not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise ApiError(403, "csrf_failed", _("The form is out of date: reload the page and send it again."))
        return key

    def authenticate(self, request, key):
        return request.user if key and request.user.is_authenticated else None
