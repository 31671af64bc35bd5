"""REST API v1 (django-ninja): /api/v1/, its OpenAPI document at /api/v1/openapi.json and a docs page at
/api/v1/docs (Swagger UI served from our own static files). See docs/api.md."""

import datetime
import functools

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
from ninja.openapi.docs import Swagger

from pendamping.accounts.services import api_token_create

from . import errors, read, schemas, write  # noqa: F401 (write adds its routes to read.router)
from .auth import TokenAuth
from .errors import ApiError, error_response

api = NinjaAPI(
    title="Pendamping API",
    version="1",
    description="Read the registry, KUBE, mentoring and Puskesos data of your areas; record from the field.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs=Swagger(),
    auth=TokenAuth(),
)
errors.install(api)


def body_limit(view):
    """Refuse a body above API_MAX_BODY_BYTES with 413 before anything reads it."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        limit = getattr(settings, "API_MAX_BODY_BYTES", 1_048_576)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return error_response(
                413, "body_too_large", _("The request body is larger than %(n)d bytes.") % {"n": limit}
            )
        return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(body_limit, mode="view")


@api.post(
    "/auth/token",
    auth=None,
    response={201: schemas.TokenOut, 401: schemas.Error, 422: schemas.Error, 429: schemas.Error},
    tags=["auth"],
)
def token_create(request, payload: schemas.TokenIn):
    """Exchange a username and password for a bearer token (shown once). Failed tries count towards the login
    lockout (5 tries lock the account for 15 minutes): a locked account gets 429."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False  # answer in JSON here, not with the lockout page of the middleware
        return error_response(
            429, "locked_out", _("Too many failed tries: this account is locked for a while. Ask your admin.")
        )
    if user is None or not user.is_active:
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    days = settings.PENDAMPING.get("API_TOKEN_DAYS", 90)
    token, secret = api_token_create(
        actor=user,
        name=f"API {timezone.localtime():%Y-%m-%d %H:%M}",
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return Status(201, {"token": secret, "expires_at": token.expires_at})


api.add_router("/", read.router)  # with the write routes, added to the same router by `write`
