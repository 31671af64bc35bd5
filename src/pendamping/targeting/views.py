"""Pages of targeting: rule sets (Admin Dinas Sosial), screening a desa, the results of a desa by priority with
counts per decision, and a printable explanation of each result in Bahasa Indonesia. Every read goes through the
selectors (scoped), every write through the services."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.areas.models import Area
from pendamping.areas.vocab import AreaLevel
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import require, scope_codes, scoped
from pendamping.core.templatetags.pendamping import mask_id

from . import engine, selectors, services
from .forms import (
    CandidateFilterForm,
    ResultFilterForm,
    RuleSetForm,
    RuleSetVersionForm,
    ScreenDesaForm,
    SoftCriteriaForm,
    SpecialCaseDecisionForm,
    SpecialCaseFilterForm,
    SpecialCaseForm,
)
from .models import PARAMETERS, ScreeningResult
from .vocab import Decision, Mechanism, RuleSetStatus, SpecialCaseStatus

RULES = "targeting.rules"
SCREEN = "targeting.screen"
PROPOSE = "targeting.propose"
APPROVE = "targeting.approve"
EXPORT = "targeting.export"
VIEW = "targeting.view"


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
    services.rule_set_activate(actor=request.user, rule_set=rule_set)  # NotAllowed: 403, as every refused write
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


def _result_filters(request):
    form = ResultFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return selectors.ResultFilter(
        desa=data.get("desa", ""),
        rule_set=data.get("rule_set"),
        decision=data.get("decision", ""),
        mechanism=data.get("mechanism", ""),
    ), form


@never_cache
def result_list(request):
    filters, form = _result_filters(request)
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
            "can_export": can(request.user, EXPORT),
        },
    )


@require_GET
def result_export(request):
    """The screening results of the list (same filters, NIK masked as shown), as XLSX or CSV (audited)."""
    if not can(request.user, EXPORT):
        raise NotAllowed(EXPORT)
    filters, _form = _result_filters(request)
    results = scoped(
        selectors.results_visible(actor=request.user, filters=filters), request.user, selectors.RESULT_AREA, EXPORT
    )
    rows = (
        (
            r.priority,
            r.person.name,
            mask_id(r.person.nik),
            r.desa_code,
            r.data_desil,
            str(Decision(r.decision).label),
            str(Mechanism(r.mechanism).label),
            ", ".join(r.missing_fields),
            str(r.rule_set),
            timezone.localtime(r.screened_at).date(),
        )
        for r in results.iterator(chunk_size=2000)
    )
    return table_export(
        actor=request.user,
        thing="screening_result",
        object_type="targeting.screeningresult",
        filename_stem=f"hasil-penyaringan-{timezone.localdate():%Y-%m-%d}",
        columns=[*CANDIDATE_COLUMNS[:-1], Column("Aturan", 24), CANDIDATE_COLUMNS[-1]],
        rows=rows,
        filters=vars(filters),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.desa),
        sheet_name="Hasil penyaringan",
        fmt=export_format(request),
        count=results.count,
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


@require_http_methods(["GET", "POST"])
def soft_criteria_record(request, pk: int):
    """Record a person's soft criteria from their screening result; they show in the next screening."""
    result = selectors.result_get(actor=request.user, pk=pk)
    require(request.user, SCREEN, result.desa_code)
    form = SoftCriteriaForm(request.POST or None, initial={"recorded_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.soft_criteria_record(actor=request.user, person=result.person, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The soft criteria were recorded; screen the person again to see them."))
            return redirect("targeting:result-detail", pk=result.pk)
    return render(request, "targeting/soft_criteria_form.html", {"form": form, "result": result})


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


# special cases -------------------------------------------------------------------------------------------------------


@never_cache
def special_case_list(request):
    form = SpecialCaseFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    proposals = selectors.special_cases_visible(actor=request.user, status=status)
    page = Paginator(proposals, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "targeting/specialcase_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_propose": can(request.user, PROPOSE)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def special_case_create(request):
    if not can(request.user, PROPOSE):
        raise NotAllowed(PROPOSE)
    codes = scope_codes(request.user, PROPOSE) or []
    initial = {"area_code": codes[0]} if len(codes) == 1 and codes[0].count(".") in (2, 3) else {}
    max_mb = max(1, services.document_max_bytes() // (1024 * 1024))
    form = SpecialCaseForm(request.POST or None, request.FILES or None, initial=initial, max_mb=max_mb)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = selectors.people_by_nik(actor=request.user, niks=data["niks"], capability=PROPOSE)
        unknown = [nik for nik in data["niks"] if nik not in people]
        if unknown:
            form.add_error(
                "niks", _("Not found in the registry of your areas: %(niks)s.") % {"niks": ", ".join(unknown)}
            )
        else:
            try:
                proposal = services.special_case_propose(
                    actor=request.user,
                    area_code=data["area_code"],
                    kind=data["kind"],
                    reason=data["reason"],
                    person_ids=[people[nik].pk for nik in data["niks"]],
                    documents=data["documents"],
                )
            except (ValidationError, NotAllowed) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The special case was proposed; the Dinas Sosial will decide it."))
                return redirect("targeting:specialcase-detail", pk=proposal.pk)
    return render(request, "targeting/specialcase_form.html", {"form": form})


@never_cache
def special_case_detail(request, pk: int):
    proposal = selectors.special_case_get(actor=request.user, pk=pk)
    can_decide = (
        proposal.status == SpecialCaseStatus.DIAJUKAN
        and can(request.user, APPROVE, proposal.area_code)
        and proposal.proposed_by_id != request.user.pk
    )
    return render(
        request,
        "targeting/specialcase_detail.html",
        {"proposal": proposal, "can_decide": can_decide, "form": SpecialCaseDecisionForm()},
    )


@require_POST
def special_case_decide(request, pk: int):
    proposal = selectors.special_case_get(actor=request.user, pk=pk)
    form = SpecialCaseDecisionForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject") or not form.is_valid():
        messages.error(request, _("Choose to approve or to reject."))
        return redirect("targeting:specialcase-detail", pk=proposal.pk)
    try:
        services.special_case_decide(
            actor=request.user, proposal=proposal, approve=decision == "approve", reason=form.cleaned_data["reason"]
        )
    except NotAllowed:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if decision == "approve":
            messages.success(request, _("Approved: the families are screened as special cases."))
        else:
            messages.success(request, _("The proposal was rejected."))
    return redirect("targeting:specialcase-detail", pk=proposal.pk)


def special_case_document(request, pk: int, document_pk: int):
    """A document of a proposal, for those who see the proposal (never served from a public URL)."""
    document = selectors.special_case_document_get(actor=request.user, proposal_pk=pk, pk=document_pk)
    response = FileResponse(
        document.file.open("rb"), content_type=document.content_type, filename=document.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# candidate lists -----------------------------------------------------------------------------------------------------


def _candidate_filters(request, data):
    """The candidate list's form, area, rule set and queryset for a GET or the export's POST."""
    codes = scope_codes(request.user, VIEW)
    own = codes[0] if codes and len(codes) == 1 and codes[0].count(".") in (2, 3) else ""
    area_code = (data.get("area") or own).strip()
    desa_choices = []
    if area_code.count(".") == 2:
        desa_choices = list(
            Area.objects.filter(parent_id=area_code, level=AreaLevel.DESA).order_by("code").values_list("code", "name")
        )
    form = CandidateFilterForm(data or None, desa_choices=desa_choices, initial={"area": area_code})
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    area_code = cleaned.get("area") or area_code
    if area_code and not selectors.area_is_in_scope(request.user, area_code):
        raise Http404
    area = Area.objects.filter(code=area_code).first() if area_code else None
    rule_set = None
    if area is not None:
        if cleaned.get("rule_set"):
            rule_set = selectors.rule_set_get(actor=request.user, pk=cleaned["rule_set"])
        else:
            rule_set = selectors.active_rule_set(area_code=area_code)
    decision = cleaned.get("decision", "") if form.is_bound else Decision.ELIGIBLE
    filters = {
        "area": area_code,
        "rule_set": rule_set.pk if rule_set else None,
        "decision": decision,
        "mechanism": cleaned.get("mechanism", ""),
        "desa": cleaned.get("desa", ""),
    }
    results = (
        selectors.candidates(
            request.user,
            area_code=area_code,
            rule_set=rule_set,
            decision=filters["decision"],
            mechanism=filters["mechanism"],
            desa=filters["desa"],
        )
        if area is not None and rule_set is not None
        else ScreeningResult.objects.none()
    )
    return form, area, rule_set, filters, results


@never_cache
def candidate_list(request):
    """Candidates of a kecamatan or desa from the current screening, by priority, filterable, with selectable rows
    (the KUBE app adds the action that proposes the selected people for a group)."""
    form, area, rule_set, filters, results = _candidate_filters(request, request.GET)
    page = Paginator(results, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = {key: value for key, value in filters.items() if value not in (None, "")}
    return render(
        request,
        "targeting/candidate_list.html",
        {
            "form": form,
            "page": page,
            "area": area,
            "rule_set": rule_set,
            "filters": filters,
            "query": urlencode(query),
            "can_export": can(request.user, EXPORT),
        },
    )


CANDIDATE_COLUMNS = [
    Column("Prioritas", 10),
    Column("Nama", 28),
    Column("NIK", 20),
    Column("Kode desa", 16),
    Column("Desil", 8),
    Column("Keputusan", 18),
    Column("Mekanisme", 34),
    Column("Data kurang", 30),
    Column("Tanggal penyaringan", 16),
]


@require_POST
def candidate_export(request):
    """The candidate list as filtered, as XLSX (masked NIK, as the page shows it); audited."""
    if not can(request.user, EXPORT):
        raise NotAllowed(EXPORT)
    form, area, rule_set, filters, results = _candidate_filters(request, request.POST)
    if area is None or rule_set is None:
        raise Http404
    rows = (
        (
            r.priority,
            r.person.name,
            mask_id(r.person.nik),
            r.desa_code,
            r.data_desil,
            str(Decision(r.decision).label),
            str(Mechanism(r.mechanism).label),
            ", ".join(r.missing_fields),
            timezone.localtime(r.screened_at).date(),
        )
        for r in results.iterator(chunk_size=2000)
    )
    return table_export(
        actor=request.user,
        thing="candidate",
        object_type="targeting.screeningresult",
        filename_stem=f"calon-kube-{area.code}-{timezone.localdate():%Y-%m-%d}",
        columns=CANDIDATE_COLUMNS,
        rows=rows,
        filters=filters,
        area_code=area.code,
        sheet_name="Calon",
        fmt=export_format(request),
        count=results.count,
    )
