from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pendamping.accounts.vocab import Role

from .errors import NotAllowed
from .forms import AuditFilterForm
from .scoping import user_covers
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


@require_GET
def audit_list(request):
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
@login_not_required
def about(request):
    return render(request, "core/about.html")
