"""Pages of targeting: rule sets (Admin Dinas Sosial), screening a desa, the results of a desa by priority with
counts per decision, and a printable explanation of each result in Bahasa Indonesia. Every read goes through the
selectors (scoped), every write through the services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.areas.models import Area
from pendamping.core.errors import NotAllowed
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import scope_codes

from . import engine, selectors, services
from .forms import ResultFilterForm, RuleSetForm, RuleSetVersionForm, ScreenDesaForm
from .models import PARAMETERS
from .vocab import Decision, RuleSetStatus

RULES = "targeting.rules"
SCREEN = "targeting.screen"


def rule_set_list(request):
    rule_sets = selectors.rule_sets_visible(actor=request.user)
    return render(
        request,
        "targeting/ruleset_list.html",
        {"rule_sets": rule_sets, "can_edit": can(request.user, RULES)},
    )


def rule_set_detail(request, pk: int):
    rule_set = selectors.rule_set_get(actor=request.user, pk=pk)
    parameters = [(RuleSetForm.base_fields[name].label, getattr(rule_set, name)) for name in PARAMETERS]
    return render(
        request,
        "targeting/ruleset_detail.html",
        {
            "rule_set": rule_set,
            "parameters": parameters,
            "can_edit": can(request.user, RULES, rule_set.area_code),
            "is_active": rule_set.status == RuleSetStatus.ACTIVE,
            "runs": selectors.runs_visible(actor=request.user).filter(rule_set=rule_set)[:20],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rule_set_create(request):
    if not can(request.user, RULES):
        raise NotAllowed(RULES)
    codes = scope_codes(request.user, RULES)
    form = RuleSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area_code = codes[0] if codes else request.POST.get("area_code", "")
        values = {name: form.cleaned_data[name] for name in PARAMETERS}
        try:
            rule_set = services.rule_set_create(
                actor=request.user,
                area_code=area_code,
                budget_year=form.cleaned_data["budget_year"],
                funding_source=form.cleaned_data["funding_source"],
                name=form.cleaned_data["name"],
                reason=form.cleaned_data["reason"],
                **values,
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rule set was saved as a draft."))
            return redirect("targeting:ruleset-detail", pk=rule_set.pk)
    return render(request, "targeting/ruleset_form.html", {"form": form, "rule_set": None})


@never_cache
@require_http_methods(["GET", "POST"])
def rule_set_update(request, pk: int):
    rule_set = selectors.rule_set_get(actor=request.user, pk=pk)
    if not can(request.user, RULES, rule_set.area_code):
        raise NotAllowed(RULES, rule_set.area_code)
    form = RuleSetVersionForm(
        request.POST or None, instance=None, initial={**rule_set.parameters(), "name": rule_set.name}
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in ["name", *PARAMETERS]}
        try:
            saved = services.rule_set_update(
                actor=request.user, rule_set=rule_set, reason=form.cleaned_data["reason"], **changes
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            if saved.pk != rule_set.pk:
                messages.success(
                    request,
                    _("Version %(version)s was made; the results of the old version stay as they were.")
                    % {"version": saved.version},
                )
            else:
                messages.success(request, _("Changes were saved."))
            return redirect("targeting:ruleset-detail", pk=saved.pk)
    return render(request, "targeting/ruleset_form.html", {"form": form, "rule_set": rule_set})


@require_POST
def rule_set_activate(request, pk: int):
    rule_set = selectors.rule_set_get(actor=request.user, pk=pk)
    try:
        services.rule_set_activate(actor=request.user, rule_set=rule_set)
    except NotAllowed as error:
        messages.error(request, str(error.args[0]) if error.args else str(error))
    else:
        messages.success(request, _("The rule set is now the active one of its budget year and funding source."))
    return redirect("targeting:ruleset-detail", pk=rule_set.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def screen_desa(request):
    if not can(request.user, SCREEN):
        raise NotAllowed(SCREEN)
    data = request.POST or None
    desa_code = (request.POST.get("desa") or request.GET.get("desa") or "").strip()
    codes = scope_codes(request.user, SCREEN)
    area_for_rules = desa_code or (codes[0] if codes else "")
    rule_sets = (
        selectors.rule_sets_for_area(actor=request.user, area_code=area_for_rules)
        if area_for_rules
        else selectors.rule_sets_visible(actor=request.user).exclude(status=RuleSetStatus.RETIRED)
    )
    initial = {"desa": desa_code}
    first = rule_sets.first()
    if first is not None:
        initial["rule_set"] = first.pk
    form = ScreenDesaForm(data, rule_sets=rule_sets, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.screening_desa(
                actor=request.user, rule_set=form.cleaned_data["rule_set"], desa_code=form.cleaned_data["desa"]
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(n)s people screened: %(eligible)s eligible, %(verify)s need verification, %(not)s not eligible.")
                % {
                    "n": run.people,
                    "eligible": run.counts.get(Decision.ELIGIBLE, 0),
                    "verify": run.counts.get(Decision.NEEDS_VERIFICATION, 0),
                    "not": run.counts.get(Decision.NOT_ELIGIBLE, 0),
                },
            )
            return redirect(f"{reverse('targeting:result-list')}?desa={run.area_code}&rule_set={run.rule_set_id}")
    return render(request, "targeting/screen_desa.html", {"form": form})


@never_cache
def result_list(request):
    form = ResultFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.ResultFilter(
        desa=data.get("desa", ""),
        rule_set=data.get("rule_set"),
        decision=data.get("decision", ""),
        mechanism=data.get("mechanism", ""),
    )
    results = selectors.results_visible(actor=request.user, filters=filters)
    page = Paginator(results, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(request.GET.get("page"))
    counts = selectors.decision_counts(actor=request.user, filters=filters)
    area = Area.objects.filter(code=filters.desa).first() if filters.desa else None
    rule_set = (
        selectors.rule_sets_visible(actor=request.user).filter(pk=filters.rule_set).first()
        if filters.rule_set
        else None
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "targeting/result_list.html",
        {
            "form": form,
            "page": page,
            "counts": [(Decision(value).label, value, n) for value, n in counts.items()],
            "area": area,
            "rule_set": rule_set,
            "query": query.urlencode(),
            "can_screen": can(request.user, SCREEN),
        },
    )


@never_cache
def result_detail(request, pk: int):
    result = selectors.result_get(actor=request.user, pk=pk)
    return render(
        request,
        "targeting/result_detail.html",
        {
            "result": result,
            "rules": engine.rules_of(result),
            "missing": engine.missing_labels(result),
            "soft": engine.soft_criteria(result),
        },
    )


@require_POST
def screen_person(request, person_pk: int):
    """Screen one person from their registry page against the active rule set of their kabupaten."""
    from pendamping.registry.selectors import person_get

    person = person_get(actor=request.user, pk=person_pk)
    rule_set = (
        selectors.rule_sets_for_area(actor=request.user, area_code=person.household.desa_id)
        .filter(status=RuleSetStatus.ACTIVE)
        .first()
    )
    if rule_set is None:
        messages.error(request, _("No active rule set covers this desa: ask the Dinas Sosial admin to activate one."))
        return redirect("registry:person-detail", pk=person.pk)
    run = services.screening_people(actor=request.user, rule_set=rule_set, person_ids=[person.pk])
    result = run.results.get(person=person)
    return redirect("targeting:result-detail", pk=result.pk)
