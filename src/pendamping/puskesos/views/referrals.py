"""Pages of referrals: the list (filters, overdue flag, ageing, XLSX export), a new referral from a case, a
referral's page with its history and the status staff record, the printable letter (surat rujukan) that carries a
fresh answer link and its QR code, and the public answer page reached through that link without logging in."""

import functools

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.ratelimit import client_ip, hits_this_minute
from pendamping.core.scoping import require, scope_codes

from ..forms.referrals import ReferralAnswerForm, ReferralFilterForm, ReferralForm, ReferralStatusForm
from ..selectors import referrals as selectors
from ..selectors.cases import case_content_read, may_read_case
from ..services import referrals as services
from ..vocab import OPEN_REFERRAL_STATUSES

INTAKE = "puskesos.intake"
EXPORT = "puskesos.export"

# the public page's refusals: the reason's code and the HTTP status it is sent with
REFUSAL_STATUS = {"invalid": 404, "replaced": 410, "used": 410, "expired": 410, "closed": 410, "rate": 429}


def _filters(request):
    form = ReferralFilterForm(request.GET or None, actor=request.user)
    return form, form.filters()


@require_GET
def referral_list(request):
    require(request.user, selectors.VIEW)
    form, filters = _filters(request)
    today = timezone.localdate()
    page = Paginator(selectors.referrals_visible(actor=request.user, filters=filters, today=today), 25).get_page(
        request.GET.get("page")
    )
    for referral in page:
        referral.age_days = (today - referral.sent_on).days
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "puskesos/referral_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_export": can(request.user, EXPORT)},
    )


@require_GET
def referral_export(request):
    """The referrals of the list as XLSX, one row each (audited as puskesos_referral.export)."""
    require(request.user, EXPORT)
    _form, filters = _filters(request)
    today = timezone.localdate()
    referrals = selectors.referrals_visible(actor=request.user, filters=filters, today=today)
    rows = (
        (
            r.number,
            r.case.number,
            r.case.desa_id,
            r.case.desa.name,
            r.case.person.name,
            r.get_sector_display(),
            r.office,
            r.status,
            r.get_status_display(),
            r.sent_on,
            r.due_on,
            (today - r.sent_on).days,
            r.overdue,
            r.responded_on,
            r.responder_name,
            r.response if may_read_case(request.user, r.case) else "",
        )
        for r in referrals.iterator(chunk_size=500)
    )
    columns = [
        Column(_("Letter number"), 26),
        Column(_("Case number"), 18),
        Column(_("Desa code")),
        Column(_("Desa"), 18),
        Column(_("Name"), 24),
        Column(_("Sector"), 20),
        Column(_("Office or service referred to"), 28),
        Column(_("Status code"), 14),
        Column(_("Status")),
        Column(_("Sent on")),
        Column(_("Answer expected by")),
        Column(_("Days since sent"), 10),
        Column(_("Overdue"), 10),
        Column(_("Answered on")),
        Column(_("Answered by"), 24),
        Column(_("Response"), 40),
    ]
    return table_export(
        actor=request.user,
        thing="puskesos_referral",
        object_type="puskesos.referral",
        filename_stem=f"rujukan-{today:%Y-%m-%d}",
        columns=columns,
        rows=rows,
        filters=vars(filters),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.desa),
        sheet_name="Rujukan",
        fmt=export_format(request),
        count=referrals.count,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def referral_create(request, case_pk: int):
    case = selectors.case_for_referral(actor=request.user, pk=case_pk)
    form = ReferralForm(request.POST or None, initial={"sent_on": timezone.localdate(), "sector": case.sector})
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(actor=request.user, case=case, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Referral %(number)s was recorded. Print its letter to give the office the answer link.")
                % {"number": referral.number},
            )
            return redirect("puskesos:referral-detail", pk=referral.pk)
    return render(
        request,
        "puskesos/referral_form.html",
        {"form": form, "case": case, "days": services.policy("PUSKESOS_REFERRAL_DAYS")},
    )


@require_GET
def referral_detail(request, pk: int):
    referral = selectors.referral_get(actor=request.user, pk=pk)
    may_write = can(request.user, INTAKE, referral.case.desa_id)
    is_open = referral.status in OPEN_REFERRAL_STATUSES
    return render(
        request,
        "puskesos/referral_detail.html",
        {
            "referral": referral,
            "case": referral.case,
            "history": selectors.referral_history(referral=referral),
            "age_days": (timezone.localdate() - referral.sent_on).days,
            "content_readable": case_content_read(actor=request.user, case=referral.case, where="referral"),
            "can_change": may_write and is_open,
            "link_live": bool(
                referral.token_hash
                and referral.token_used_at is None
                and referral.token_expires_at
                and referral.token_expires_at > timezone.now()
                and is_open
            ),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def referral_status(request, pk: int):
    referral = selectors.referral_get(actor=request.user, pk=pk)
    require(request.user, INTAKE, referral.case.desa_id)
    allowed = services.answer_choices(referral)
    if not allowed:
        messages.error(request, _("This referral has ended; its status cannot change."))
        return redirect("puskesos:referral-detail", pk=referral.pk)
    form = ReferralStatusForm(request.POST or None, allowed=allowed, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_status_set(
                actor=request.user,
                referral=referral,
                status=data["status"],
                response=data["response"],
                responder_name=data["responder_name"],
                expected_version=data["version"],
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The status of the referral was changed."))
            return redirect("puskesos:referral-detail", pk=referral.pk)
    return render(request, "puskesos/referral_status.html", {"form": form, "referral": referral})


def _letter_context(request, referral, token: str | None) -> dict:
    case = referral.case
    context = {
        "referral": referral,
        "case": case,
        "person": case.person,
        "household": case.household,
        "desa": case.desa,
        "kecamatan": case.desa.parent,
        "today": timezone.localdate(),
        "is_open": referral.status in OPEN_REFERRAL_STATUSES,
        "answer_url": "",
        "qr_svg": "",
    }
    if token:
        url = request.build_absolute_uri(reverse("puskesos:referral-answer", kwargs={"token": token}))
        context["answer_url"] = url
        # segno writes the SVG itself from the URL alone: nothing of the user's input reaches the markup unescaped
        context["qr_svg"] = mark_safe(segno.make(url, error="m").svg_inline(scale=3))  # noqa: S308
        context["expires_at"] = referral.token_expires_at
    return context


def _private(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # no-referrer would make browsers send "Origin: null", failing CSRF
    return response


@never_cache
@require_GET
def referral_letter(request, pk: int):
    """The letter as it was: without a live link, which is shown only when a fresh letter is issued (the POST)."""
    referral = selectors.referral_get(actor=request.user, pk=pk)
    context = _letter_context(request, referral, None)
    context["content_readable"] = case_content_read(actor=request.user, case=referral.case, where="referral letter")
    context["can_issue"] = can(request.user, INTAKE, referral.case.desa_id) and context["is_open"]
    return _private(render(request, "puskesos/referral_letter.html", context))


@require_POST
def referral_letter_issue(request, pk: int):
    """Issue a fresh answer link (the earlier letter's link stops working) and show the letter to print with it."""
    referral = selectors.referral_get(actor=request.user, pk=pk)
    require(request.user, INTAKE, referral.case.desa_id)
    try:
        token = services.referral_token_issue(actor=request.user, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("puskesos:referral-detail", pk=referral.pk)
    referral = selectors.referral_get(actor=request.user, pk=pk)
    context = _letter_context(request, referral, token)
    context["content_readable"] = case_content_read(actor=request.user, case=referral.case, where="referral letter")
    context["issued"] = True
    return _private(render(request, "puskesos/referral_letter.html", context))


# -- the public answer page ---------------------------------------------------------------------------------------


def _rate_limited(request, token: str) -> bool:
    """PUSKESOS_TOKEN_RATE_PER_MINUTE requests a minute per client address and per token (fixed one-minute
    windows in Django's cache); both counts move on every request."""
    limit = int(settings.PENDAMPING["PUSKESOS_TOKEN_RATE_PER_MINUTE"])
    by_ip = hits_this_minute(f"puskesos:answer:ip:{client_ip(request)}")
    by_token = hits_this_minute(f"puskesos:answer:token:{services._hash(token)[:32]}")
    return by_ip > limit or by_token > limit


def _public(view):
    """No login, nothing cached or sent on as a referrer, not indexed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        _private(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return login_not_required(wrapper)


def _refused(request, code: str):
    return render(
        request, "puskesos/referral_answer_refused.html", {"code": code}, status=REFUSAL_STATUS.get(code, 404)
    )


@_public
@require_http_methods(["GET", "POST"])
def referral_answer(request, token: str):
    """The receiving office answers the referral its letter names: status, answer, name and office, once."""
    if len(token) > 200:
        return _refused(request, "invalid")
    if _rate_limited(request, token):
        return _refused(request, "rate")
    try:
        referral = services.token_check(token)
    except services.TokenRefused as refusal:
        return _refused(request, refusal.code)
    allowed = services.answer_choices(referral)
    form = ReferralAnswerForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_answer(token=token, **form.cleaned_data)
        except services.TokenRefused as refusal:
            return _refused(request, refusal.code)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "puskesos/referral_answer_done.html", {"referral": referral})
    return render(
        request,
        "puskesos/referral_answer.html",
        {"referral": referral, "case": referral.case, "desa": referral.case.desa, "form": form},
    )


urls = [
    path("rujukan/", referral_list, name="referral-list"),
    path("rujukan/xlsx/", referral_export, name="referral-export"),
    path("kasus/<int:case_pk>/rujuk/", referral_create, name="referral-create"),
    path("rujukan/<int:pk>/", referral_detail, name="referral-detail"),
    path("rujukan/<int:pk>/status/", referral_status, name="referral-status"),
    path("rujukan/<int:pk>/surat/", referral_letter, name="referral-letter"),
    path("rujukan/<int:pk>/surat/terbitkan/", referral_letter_issue, name="referral-letter-issue"),
    path("jawab/<str:token>/", referral_answer, name="referral-answer"),
]
