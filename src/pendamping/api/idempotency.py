"""Idempotency-Key on writes: the same key from the same user returns the first response (status and body) without
doing the work again; the same key with another request (method, path or body) is refused with 409.

Only successful responses are remembered: a refused request (validation, scope) may be sent again with the same key
once corrected. The work and the record are written in one transaction; when two requests with the same key race,
the second's work is rolled back and the first's response is returned.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .errors import ApiError
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY = 100


class _Replay(Exception):
    pass


def request_hash(request) -> str:
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        body = request.body
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def _replay(record: IdempotencyRecord, digest: str) -> JsonResponse:
    if record.request_hash != digest:
        raise ApiError(
            409,
            "idempotency_conflict",
            _("This Idempotency-Key was already used for another request; use a new key for a new request."),
        )
    response = JsonResponse(record.response, status=record.status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, work: Callable[[], tuple[int, dict]]) -> JsonResponse:
    """Run `work` (returning status and JSON body) once per Idempotency-Key of the user."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        status, body = work()
        return JsonResponse(body, status=status)
    if len(key) > MAX_KEY or not key.isprintable():
        raise ApiError(
            422,
            "validation_error",
            _("Some fields are not valid."),
            {HEADER: [_("An Idempotency-Key has at most %(n)d printable characters.") % {"n": MAX_KEY}]},
        )
    user = request.user
    digest = request_hash(request)
    existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if existing is not None:
        return _replay(existing, digest)
    try:
        with transaction.atomic():
            status, body = work()
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        user=user,
                        key=key,
                        method=request.method,
                        path=request.path[:300],
                        request_hash=digest,
                        status=status,
                        response=body,
                    )
            except IntegrityError:
                raise _Replay from None  # a concurrent request with this key won: undo this one's work
    except _Replay:
        return _replay(IdempotencyRecord.objects.get(user=user, key=key), digest)
    return JsonResponse(body, status=status)
