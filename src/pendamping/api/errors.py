"""Every error of the API is JSON: {"code": "<stable code>", "message": "...", "fields": {...}}.

Codes: malformed_json (400), not_authenticated (401), invalid_credentials (401), not_allowed (403),
locked_out (429), not_found (404), method_not_allowed (405), idempotency_conflict (409), stale (409, with the
server's current record in "current"), csrf_failed (403, session requests only), body_too_large (413),
validation_error (422), server_error (500, never expected).
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict | None = None, extra: dict | None = None):
        self.status, self.code, self.message, self.fields, self.extra = status, code, message, fields, extra
        super().__init__(message)


def error_response(
    status: int, code: str, message: str, fields: dict | None = None, extra: dict | None = None
) -> JsonResponse:
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = {name: [str(m) for m in messages] for name, messages in fields.items()}
    if extra:
        body.update(extra)
    return JsonResponse(body, status=status)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form"}:
        source, parts = parts[0], parts[1:]
        if source == "body" and parts and parts[0] == "payload":
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def django_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: list(messages) for name, messages in error.message_dict.items()}
    return {"__all__": list(error.messages)}


def install(api) -> None:
    """Replace ninja's default handlers: every error becomes the JSON shape above."""

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.fields, exc.extra)

    @api.exception_handler(NinjaValidationError)
    def ninja_validation(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            fields.setdefault(_field_name(item.get("loc", ())), []).append(item.get("msg", ""))
        return error_response(422, "validation_error", _("Some fields are not valid."), fields)

    @api.exception_handler(DjangoValidationError)
    def django_validation(request, exc: DjangoValidationError):
        return error_response(422, "validation_error", _("Some fields are not valid."), django_fields(exc))

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return error_response(401, "not_authenticated", _("Send a valid token: Authorization: Bearer <token>."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400:
            return error_response(400, "malformed_json", _("The request body is not valid JSON."))
        return error_response(exc.status_code, "http_error", exc.message)

    @api.exception_handler(PermissionDenied)
    def not_allowed(request, exc):
        return error_response(403, "not_allowed", str(exc) or _("You may not do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(404, "not_found", _("Not found in your areas."))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return error_response(413, "body_too_large", _("The request body is too large."))

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "server_error", _("Something went wrong on the server."))
