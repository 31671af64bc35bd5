import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pendamping.accounts.vocab import Role

from .errors import NotAllowed
from .exports import Column, audit_area, export_format, table_export
from .forms import AuditFilterForm
from .scoping import scope_codes, user_covers
from .selectors import audit_actions, audit_events, home_panels, home_summary


@require_GET
def home(request):
    return render(
        request,
        "core/home.html",
        {
            "summary": home_summary(actor=request.user),
            "panels": home_panels(actor=request.user),
            "roles": Role,
            "assignments": _assignments(request.user),
        },
    )


def _assignments(user):
    return user.role_assignments.active().select_related("area")


def _audit_filters(request):
    if not user_covers(request.user, None, "audit.view"):
        raise NotAllowed("audit.view")
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_username": data["actor"].strip(),
            "action": data["action"].strip(),
            "object_type": data["object_type"].strip(),
            "area": data["area"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    return form, filters


@require_GET
def audit_list(request):
    form, filters = _audit_filters(request)
    events = audit_events(actor=request.user, **filters)
    if form.errors:
        events = events.none()
    page = Paginator(events, settings.PENDAMPING["AUDIT_PAGE_SIZE"], allow_empty_first_page=True).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "actions": audit_actions(actor=request.user), "query": query.urlencode()},
    )


@require_GET
def audit_export(request):
    """The events of the audit log as filtered, as XLSX or CSV; the export is itself recorded (and not in the file:
    only events up to the moment the export was asked for)."""
    form, filters = _audit_filters(request)
    events = audit_events(actor=request.user, **filters).filter(at__lte=timezone.now()).order_by("-at", "-pk")
    if form.errors:
        events = events.none()
    rows = (
        (
            e.at,
            e.actor_username,
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            e.area_code,
            json.dumps(e.changes, ensure_ascii=False, sort_keys=True) if e.changes else "",
            e.reason,
        )
        for e in events.iterator(chunk_size=2000)
    )
    return table_export(
        actor=request.user,
        thing="audit",
        object_type="core.auditevent",
        filename_stem=f"log-audit-{timezone.localdate():%Y-%m-%d}",
        columns=[
            Column(_("Time"), 20),
            Column(_("Who"), 16),
            Column(_("Action"), 24),
            Column(_("Object type"), 20),
            Column(_("Object id"), 10),
            Column(_("Object"), 28),
            Column(_("Area"), 14),
            Column(_("Changes"), 50),
            Column(_("Reason"), 30),
        ],
        rows=rows,
        filters=filters,
        area_code=audit_area(scope_codes(request.user, "audit.view"), filters.get("area", "")),
        sheet_name="Log audit",
        fmt=export_format(request),
        count=events.count,
    )


@require_GET
@login_not_required
def about(request):
    return render(request, "core/about.html")
