"""The DCI Social Registry endpoints (spec: spdci/standards social_api_v1.0.0.yaml; see docs/dci.md).

Plain Django views, not django-ninja: the spec's own OpenAPI document describes these endpoints, and its envelopes
(header/message, rjct codes per request, {"errors": [...]} for transport errors) are not ninja's error shape.

- POST oauth2/client/token: the OAuth2 client-credentials grant (RFC 6749 4.4); errors in RFC 6749's shape.
- POST registry/sync/search: the search envelope; each search_request answered "succ" with its records or "rjct"
  with a code of SearchStatusReasonCode. A header that cannot be accepted: 400 with a header of status "rjct" and a
  MsgHeaderStatusReasonCode. A body that is not the envelope: 400 {"errors": [{"code": "err.request.bad"}]}.
- POST registry/sync/txn/status: the statuses of an earlier search of the same client.

Only records in the client's areas are read; anything else is simply not found (an empty result).
"""

import datetime
import json
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from pendamping.core.ratelimit import client_ip, hits_this_minute

from . import services
from .models import DciClient
from .query import Reject, build_search
from .records import render, with_members
from .selectors import client_households, client_kubes, client_people, client_transactions, message_seen

VERSION = "1.0.0"


def _now() -> str:
    return timezone.now().isoformat()


def _sender_id() -> str:
    return str(settings.PENDAMPING.get("DCI_SENDER_ID", "pendamping"))


def http_error(status: int, code: str, message: str, **headers) -> JsonResponse:
    """The spec's HttpErrorResponse: {"errors": [{"code", "message"}]}, codes from its Error enum."""
    response = JsonResponse({"errors": [{"code": code, "message": str(message)}]}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _endpoint(view):
    """No session, no CSRF (a bearer token instead), POST only, a body of bounded size; never a 500 page."""

    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return http_error(405, "err.request.bad", _("Use POST."), Allow="POST")
        limit = getattr(settings, "API_MAX_BODY_BYTES", 1_048_576)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return http_error(413, "err.request.bad", _("The request body is larger than %(n)d bytes.") % {"n": limit})
        try:
            return view(request, *args, **kwargs)
        except RequestDataTooBig:
            return http_error(413, "err.request.bad", _("The request body is too large."))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_not_required(csrf_exempt(wrapper))


def _json(request):
    """The body as JSON, or None when it is not JSON."""
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _text(value, limit: int = 99) -> str | None:
    """A string or a number as text (the samples send numbers as strings and the other way round); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text[:limit]
    return None


def _timestamp(value) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


# -- token --------------------------------------------------------------------------------------------------------


def _oauth_error(status: int, error: str, description: str) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": str(description)}, status=status)
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="dci"'
    return response


def _basic_credentials(request) -> tuple[str, str] | None:
    import base64
    import binascii
    from urllib.parse import unquote

    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _sep, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)


@_endpoint
def token(request):
    """OAuth2 client credentials: grant_type=client_credentials with client_id and client_secret, form-encoded or
    JSON (or the id and secret by HTTP Basic). Answers {"access_token", "token_type": "Bearer", "expires_in"}."""
    limit = int(settings.PENDAMPING["DCI_TOKEN_RATE_PER_MINUTE"])
    if hits_this_minute(f"dci:token:ip:{client_ip(request)}") > limit:
        response = _oauth_error(429, "slow_down", _("Too many token requests from this address: wait a minute."))
        response["Retry-After"] = "60"
        return response
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        data = _json(request)
        if not isinstance(data, dict):
            return _oauth_error(400, "invalid_request", _("The body is not a JSON object."))
    elif content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        data = request.POST
    else:
        return _oauth_error(400, "invalid_request", _("Send the form encoded or as JSON."))
    grant_type = data.get("grant_type")
    if not isinstance(grant_type, str) or not grant_type:
        return _oauth_error(400, "invalid_request", _("grant_type is missing."))
    if grant_type != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", _("Only grant_type=client_credentials is supported."))
    basic = _basic_credentials(request)
    client_id, secret = basic if basic else (data.get("client_id"), data.get("client_secret"))
    if not isinstance(client_id, str) or not isinstance(secret, str):
        return _oauth_error(401, "invalid_client", _("Send client_id and client_secret."))
    issued = services.dci_token_issue(client_id=client_id, client_secret=secret)
    if issued is None:
        return _oauth_error(401, "invalid_client", _("Unknown client, wrong secret or revoked client."))
    _token, access_token = issued
    response = JsonResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": services.token_seconds()}
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


# -- the envelope -------------------------------------------------------------------------------------------------


def _client(request) -> DciClient | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("bearer "):
        return None
    return services.dci_token_use(secret=header[7:].strip())


def _unauthorized() -> JsonResponse:
    return http_error(
        401,
        "err.request.unauthorized",
        _("Send a valid access token: Authorization: Bearer <token> from /dci/oauth2/client/token."),
        WWW_Authenticate='Bearer realm="dci"',
    )


class HeaderReject(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, str(message)


def _header_reject(action: str, exc: HeaderReject, request_header: dict) -> JsonResponse:
    header = _reply_header(action, request_header, status="rjct")
    header["status_reason_code"] = exc.code
    header["status_reason_message"] = exc.message
    return JsonResponse({"header": header}, status=400)


def _reply_header(action: str, request_header: dict, *, status: str, total: int = 0) -> dict:
    header = {
        "version": VERSION,
        "message_id": str(uuid.uuid4()),
        "message_ts": _now(),
        "action": action,
        "status": status,
        "total_count": total,
        "completed_count": total,
        "sender_id": _sender_id(),
        "is_msg_encrypted": False,
    }
    receiver = _text(request_header.get("sender_id"), 200) if isinstance(request_header, dict) else None
    if receiver:
        header["receiver_id"] = receiver
    return header


def _envelope(request, action: str):
    """(header, message) of a well-formed envelope with the expected action, or a response to send instead."""
    body = _json(request)
    if body is None:
        return http_error(400, "err.request.bad", _("The request body is not valid JSON."))
    if not isinstance(body, dict) or not isinstance(body.get("header"), dict):
        return http_error(400, "err.request.bad", _("The body must be an object with a header and a message."))
    header, message = body["header"], body.get("message")
    if header.get("is_msg_encrypted") is True or (isinstance(message, dict) and "ciphertext" in message):
        return http_error(400, "err.encryption.invalid", _("Encrypted messages are not supported; send plain JSON."))
    if not isinstance(message, dict):
        return http_error(400, "err.request.bad", _("The body must be an object with a header and a message."))
    message_id = _text(header.get("message_id"), 100)
    if not message_id:
        return http_error(400, "err.request.bad", _("header.message_id is missing."))
    return header, message, message_id


def _check_header(header: dict, action: str, count: int | None) -> None:
    version = header.get("version")
    if version not in (None, "") and not str(version).strip().startswith("1."):
        raise HeaderReject("rjct.version.invalid", _("Only version 1.x of the messages is supported."))
    if header.get("action") != action:
        raise HeaderReject("rjct.action.invalid", _("header.action must be %(action)s here.") % {"action": action})
    if not _timestamp(header.get("message_ts")):
        raise HeaderReject("rjct.message_ts.invalid", _("header.message_ts must be an ISO 8601 date and time."))
    if count is not None and header.get("total_count") not in (None, ""):
        total = _text(header.get("total_count"))
        if total is None or not total.isdigit() or int(total) != count:
            raise HeaderReject(
                "rjct.total_count.invalid", _("header.total_count must be the number of requests in the message.")
            )


# -- search -------------------------------------------------------------------------------------------------------


def _search_one(client: DciClient, item, seen: set) -> tuple[dict, dict]:
    """The response to one search_request and what the transaction keeps of it."""
    now = _now()
    reference_id = _text(item.get("reference_id")) if isinstance(item, dict) else None
    answer = {"reference_id": reference_id or "", "timestamp": now}
    try:
        if not isinstance(item, dict):
            raise Reject("rjct.search_criteria.invalid", _("Each search_request must be an object."))
        if not reference_id:
            raise Reject("rjct.reference_id.invalid", _("reference_id is missing."))
        if reference_id in seen:
            raise Reject("rjct.reference_id.duplicate", _("This reference_id is used twice in the message."))
        seen.add(reference_id)
        if item.get("timestamp") not in (None, "") and not _timestamp(item.get("timestamp")):
            raise Reject("rjct.timestamp.invalid", _("timestamp must be an ISO 8601 date and time."))
        if item.get("search_criteria") in (None, ""):
            raise Reject("rjct.search_criteria.invalid", _("search_criteria is missing."))
        search = build_search(
            item["search_criteria"],
            households=client_households(client),
            people=client_people(client),
            kubes=client_kubes(client),
        )
    except Reject as reject:
        answer.update(status="rjct", status_reason_code=reject.code, status_reason_message=reject.message)
        kept = {**answer, "status_reason_message": "", "found": 0, "returned": 0}
        return answer, kept
    kind = "member" if search.entity == "Member" else search.kind
    total = search.queryset.count()
    start = (search.page_number - 1) * search.page_size
    rows = list(with_members(search.queryset, kind)[start : start + search.page_size]) if start < total else []
    answer.update(
        status="succ",
        data={"version": VERSION, "reg_records": [render(row, kind) for row in rows]},
        pagination={"page_size": search.page_size, "page_number": search.page_number, "total_count": total},
    )
    kept = {"reference_id": reference_id, "timestamp": now, "status": "succ", "found": total, "returned": len(rows)}
    return answer, kept


@_endpoint
def sync_search(request):
    """Search the registry of the client's areas: see the module's docstring and docs/dci.md."""
    client = _client(request)
    if client is None:
        return _unauthorized()
    parsed = _envelope(request, "search")
    if isinstance(parsed, JsonResponse):
        return parsed
    header, message, message_id = parsed
    requests = message.get("search_request")
    if not isinstance(requests, list) or not requests:
        return http_error(400, "err.request.bad", _("message.search_request must be a non-empty list."))
    try:
        _check_header(header, "search", len(requests))
        limit = int(settings.PENDAMPING.get("DCI_MAX_REQUESTS", 20))
        if len(requests) > limit:
            raise HeaderReject(
                "rjct.total_count.limit_exceeded", _("At most %(n)d requests in one message.") % {"n": limit}
            )
        if message_seen(client, message_id):
            raise HeaderReject("rjct.message_id.duplicate", _("This message_id was already sent."))
    except HeaderReject as exc:
        services.dci_call_audit(client=client, action="dci.search", summary=f"message rejected: {exc.code}")
        return _header_reject("on-search", exc, header)
    transaction_id = _text(message.get("transaction_id")) or ""
    seen: set = set()
    answers, kept = [], []
    for item in requests:
        answer, record = _search_one(client, item, seen)
        answers.append(answer)
        kept.append(record)
    succeeded = sum(1 for k in kept if k["status"] == "succ")
    summary = (
        f"{len(kept)} request(s): {succeeded} succ, {len(kept) - succeeded} rjct; "
        f"{sum(k['found'] for k in kept)} found, {sum(k['returned'] for k in kept)} returned"
    )
    try:
        txn = services.dci_transaction_record(
            client=client,
            action="search",
            message_id=message_id,
            transaction_id=transaction_id,
            requests=kept,
            summary=summary,
        )
    except services.DuplicateMessage:
        exc = HeaderReject("rjct.message_id.duplicate", _("This message_id was already sent."))
        return _header_reject("on-search", exc, header)
    return JsonResponse(
        {
            "header": _reply_header("on-search", header, status="succ", total=len(answers)),
            "message": {
                "transaction_id": transaction_id,
                "correlation_id": txn.correlation_id,
                "search_response": answers,
            },
        }
    )


# -- transaction status -------------------------------------------------------------------------------------------


@_endpoint
def sync_txn_status(request):
    """The statuses of an earlier search of the same client, by transaction_id, correlation_id or reference ids."""
    client = _client(request)
    if client is None:
        return _unauthorized()
    parsed = _envelope(request, "txn-status")
    if isinstance(parsed, JsonResponse):
        return parsed
    header, message, message_id = parsed
    ask = message.get("txnstatus_request")
    if not isinstance(ask, dict):
        return http_error(400, "err.request.bad", _("message.txnstatus_request must be an object."))
    try:
        _check_header(header, "txn-status", 1)
        if str(ask.get("txn_type") or "search").strip().lower() != "search":
            raise HeaderReject("rjct.action.not_supported", _("Only the status of a search can be asked."))
        if message_seen(client, message_id):
            raise HeaderReject("rjct.message_id.duplicate", _("This message_id was already sent."))
    except HeaderReject as exc:
        services.dci_call_audit(client=client, action="dci.txn_status", summary=f"message rejected: {exc.code}")
        return _header_reject("txn-on-status", exc, header)
    attribute_type = str(ask.get("attribute_type") or "").strip().lower()
    value = ask.get("attribute_value")
    transactions = client_transactions(client).order_by("created_at", "pk")
    found_txn = None
    statuses: list[dict] = []
    if attribute_type in {"transaction_id", "correlation_id"}:
        text = _text(value)
        if not text:
            return http_error(400, "err.request.bad", _("attribute_value must be the id asked for."))
        matching = list(transactions.filter(**{attribute_type: text}))
        for txn in matching:
            statuses.extend(txn.requests)
        found_txn = matching[-1] if matching else None
    elif attribute_type == "reference_id_list":
        if not isinstance(value, list) or not value or not all(_text(v) for v in value):
            return http_error(400, "err.request.bad", _("attribute_value must be a list of reference ids."))
        wanted = [_text(v) for v in value[:100]]
        latest: dict[str, tuple] = {}
        for txn in transactions.filter(created_at__gte=timezone.now() - datetime.timedelta(days=90)):
            for kept in txn.requests:
                if kept.get("reference_id") in wanted:
                    latest[kept["reference_id"]] = (txn, kept)
        for reference_id in wanted:
            if reference_id in latest:
                found_txn, kept = latest[reference_id]
                statuses.append(kept)
            else:
                statuses.append(
                    {
                        "reference_id": reference_id,
                        "timestamp": _now(),
                        "status": "rjct",
                        "status_reason_code": "rjct.reference_id.invalid",
                    }
                )
    else:
        return http_error(
            400, "err.request.bad", _("attribute_type is transaction_id, reference_id_list or correlation_id.")
        )
    search_response = []
    for kept in statuses:
        item = {"reference_id": kept.get("reference_id", ""), "timestamp": kept["timestamp"], "status": kept["status"]}
        if kept.get("status_reason_code"):
            item["status_reason_code"] = kept["status_reason_code"]
        search_response.append(item)
    try:
        record = services.dci_transaction_record(
            client=client,
            action="txn-status",
            message_id=message_id,
            transaction_id=_text(message.get("transaction_id")) or "",
            requests=[{"reference_id": _text(ask.get("reference_id")) or "", "timestamp": _now(), "status": "succ"}],
            summary=f"status asked by {attribute_type}: {len(search_response)} request status(es) found",
        )
    except services.DuplicateMessage:
        exc = HeaderReject("rjct.message_id.duplicate", _("This message_id was already sent."))
        return _header_reject("txn-on-status", exc, header)
    return JsonResponse(
        {
            "header": _reply_header("txn-on-status", header, status="succ", total=1),
            "message": {
                "transaction_id": _text(message.get("transaction_id")) or "",
                "correlation_id": record.correlation_id,
                "txnstatus_response": {
                    "txn_type": "search",
                    "txn_status": {
                        "transaction_id": found_txn.transaction_id if found_txn else "",
                        "correlation_id": found_txn.correlation_id if found_txn else "",
                        "search_response": search_response,
                    },
                },
            },
        }
    )
