"""Pages of the desk's cases: the list (filters, overdue flags, export), intake (NIK check, registry and DTKS/DTSEN
status, or a new resident), a case's page (casework, notes, interventions, status history) and the forms that change
it, each through a service. What a confidential case or note says is shown through the selectors' one rule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.accounts.permissions import can
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import require, scope_codes
from pendamping.core.templatetags.pendamping import mask_id
from pendamping.registry.forms import HouseholdCreateForm
from pendamping.registry.nik import check_nik
from pendamping.registry.services import kecamatan_known

from ..forms.cases import (
    CaseFilterForm,
    CaseForm,
    CaseIntakeForm,
    CaseNoteForm,
    CaseReturnForm,
    CaseReviewForm,
    CaseStatusForm,
    NikSearchForm,
)
from ..selectors import cases as selectors
from ..services import cases as services
from ..vocab import OPEN_CASE_STATUSES
from .common import case_context

VIEW = "puskesos.view"
INTAKE = "puskesos.intake"
SUPERVISE = "puskesos.supervise"
EXPORT = "puskesos.export"
PAGE_SIZE = 25


def _filters(request):
    form = CaseFilterForm(request.GET or None, actor=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.CaseFilter(
        q=data.get("q", ""),
        status=data.get("status", ""),
        sector=data.get("sector", ""),
        area=data.get("area", ""),
        overdue=bool(data.get("overdue")),
    )
    return form, filters


@require_GET
def case_list(request):
    require(request.user, VIEW)
    form, filters = _filters(request)
    page = Paginator(selectors.cases_visible(actor=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.with_ageing(page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "puskesos/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_intake": can(request.user, INTAKE),
            "can_export": can(request.user, EXPORT),
        },
    )


@require_GET
def case_export(request):
    """The cases of the list as XLSX (audited); a confidential case's description only for those who may read it."""
    require(request.user, EXPORT)
    _form, filters = _filters(request)
    hidden = _("(confidential)")
    rows = (
        (
            case.number,
            case.received_on,
            case.desa_id,
            case.desa.name,
            case.person.name,
            mask_id(case.person.nik),
            case.get_channel_display(),
            case.get_sector_display(),
            case.get_problem_kind_display(),
            case.description if readable else hidden,
            case.confidential,
            case.in_dtks,
            case.get_status_display(),
            case.closed_on,
            ageing.days_open,
            ageing.target_days,
            ageing.overdue,
        )
        for case, readable, ageing in selectors.case_export_rows(actor=request.user, filters=filters)
    )
    columns = [
        Column(_("Case number"), 24),
        Column(_("Received on")),
        Column(_("Desa code")),
        Column(_("Desa"), 18),
        Column(_("Name"), 24),
        Column(_("NIK"), 18),
        Column(_("Channel"), 16),
        Column(_("Sector"), 20),
        Column(_("Problem"), 20),
        Column(_("Complaint or need"), 40),
        Column(_("Confidential")),
        Column(_("In DTKS/DTSEN at intake")),
        Column(_("Status")),
        Column(_("Ended on")),
        Column(_("Days open")),
        Column(_("Target days")),
        Column(_("Overdue")),
    ]
    return table_export(
        actor=request.user,
        thing="puskesos.case",
        object_type="puskesos.case",
        filename_stem=f"kasus-puskesos-{timezone.localdate():%Y-%m-%d}",
        columns=columns,
        rows=rows,
        filters=vars(filters),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.area),
        sheet_name="Kasus",
        fmt=export_format(request),
        count=lambda: selectors.cases_visible(actor=request.user, filters=filters, capability=EXPORT).count(),
    )


# -- intake -------------------------------------------------------------------------------------------------------


def _new_resident_form(data=None, initial=None) -> HouseholdCreateForm:
    form = HouseholdCreateForm(data, initial=initial)
    for name in ("kk_since", "reason"):
        del form.fields[name]
    return form


def _route_errors(error, *forms) -> None:
    """Put each message of the service's error beside the field of whichever form holds it."""
    if isinstance(error, NotAllowed) or not hasattr(error, "error_dict"):
        add_service_errors(forms[0], error)
        return
    for field, errors in error.error_dict.items():
        target = next((form for form in forms if field in form.fields), forms[0])
        for item in errors:
            target.add_error(field if field in target.fields else None, item.messages)


def _intake_initial(request) -> dict:
    return {"received_on": timezone.localdate(), "channel": "datang_langsung"}


@never_cache
@require_http_methods(["GET", "POST"])
def case_intake(request):
    """Step 1: the NIK (posted, never in the URL), checked; step 2: the person found in the registry with their
    DTKS/DTSEN status, or the form of a new resident; with the request itself. One service call opens the case."""
    require(request.user, INTAKE)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    search = NikSearchForm(request.POST if step == "search" else None)
    context: dict = {"search": search, "step": step}
    if step == "search" and search.is_valid():
        check = check_nik(search.cleaned_data["nik"], kecamatan_known=kecamatan_known)
        if not check.ok:
            for problem in check.errors:
                search.add_error("nik", ValidationError(problem.message, code=problem.code))
        else:
            context["warnings"] = [problem.message for problem in check.warnings]
            context["search"] = NikSearchForm()  # the found person's NIK is shown masked, not echoed back
            person = selectors.intake_person_find(actor=request.user, nik=check.value)
            if person is not None:
                context.update(
                    _person_step(
                        request,
                        person,
                        CaseIntakeForm(in_dtks=bool(person.household.id_dtks), initial=_intake_initial(request)),
                    )
                )
            else:
                codes = scope_codes(request.user, INTAKE) or []
                initial = {
                    "head_nik": check.value,
                    "head_sex": check.info.sex,
                    "head_birth_date": check.info.birth_date,
                }
                if len(codes) == 1 and codes[0].count(".") == 3:
                    initial["desa_code"] = codes[0]
                context.update(
                    step="new",
                    household_form=_new_resident_form(initial=initial),
                    case_form=CaseIntakeForm(in_dtks=None, initial=_intake_initial(request)),
                )
    elif step == "case":
        person = selectors.intake_person_get(actor=request.user, pk=request.POST.get("person"))
        case_form = CaseIntakeForm(request.POST, in_dtks=bool(person.household.id_dtks))
        if case_form.is_valid():
            try:
                case = services.case_intake(actor=request.user, person=person, **case_form.case_values())
            except (ValidationError, NotAllowed) as error:
                _route_errors(error, case_form)
            else:
                return _opened(request, case)
        context.update(_person_step(request, person, case_form))
    elif step == "new":
        household_form = _new_resident_form(request.POST)
        case_form = CaseIntakeForm(request.POST, in_dtks=None)
        if household_form.is_valid() and case_form.is_valid():
            try:
                case = services.case_intake(
                    actor=request.user,
                    new_household=household_form.household_values(),
                    new_head=household_form.head_values(),
                    **case_form.case_values(),
                )
            except (ValidationError, NotAllowed) as error:
                _route_errors(error, case_form, household_form)
            else:
                return _opened(request, case)
        context.update(household_form=household_form, case_form=case_form)
    if "household_form" in context:
        form = context["household_form"]
        context["head_fields"] = {name[len("head_") :]: form[name] for name in form.fields if name.startswith("head_")}
    return render(request, "puskesos/case_intake.html", context)


def _person_step(request, person, case_form) -> dict:
    return {
        "step": "case",
        "person": person,
        "household": person.household,
        "case_form": case_form,
        "open_cases": list(selectors.person_open_cases(actor=request.user, person=person)),
    }


def _opened(request, case):
    messages.success(request, _("Case %(number)s was opened.") % {"number": case.number})
    if case.proposal is not None:
        messages.info(request, _("The family is not in DTKS/DTSEN: a register proposal was started (draf)."))
    for warning in case.warnings:
        messages.warning(request, warning)
    return redirect("puskesos:case-detail", pk=case.pk)


# -- a case -------------------------------------------------------------------------------------------------------


@require_GET
def case_detail(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    may_read = selectors.case_content_read(actor=request.user, case=case)
    context = case_context(
        request,
        case,
        "overview",
        may_read=may_read,
        notes=selectors.notes_for_reader(actor=request.user, case=case),
        history=selectors.case_status_history(case=case),
        contacts=selectors.case_contacts(case=case),
        note_form=CaseNoteForm(initial={"confidential": case.confidential}),
        can_record_contact=can(request.user, "mentoring.record", case.desa_id),
        is_open=case.status in OPEN_CASE_STATUSES,
    )
    return render(request, "puskesos/case_detail.html", context)


def _differences(form: CaseForm, current) -> list[tuple[str, object, object]]:
    rows = []
    for name in services.CASE_INPUT:
        mine = form.cleaned_data.get(name)
        theirs = getattr(current, name)
        if (mine or "") != (theirs or ""):
            rows.append((form.fields[name].label, mine, theirs))
    return rows


@never_cache
@require_http_methods(["GET", "POST"])
def case_update(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    require(request.user, INTAKE, case.desa_id)
    if not selectors.case_content_read(actor=request.user, case=case, where="edit"):
        raise NotAllowed("puskesos.confidential", case.desa_id)
    initial = {name: getattr(case, name) for name in services.CASE_INPUT}
    initial["version"] = case.version
    form = CaseForm(request.POST or None, initial=initial)
    differences = []
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **form.values(),
            )
        except services.StaleCase as error:
            differences = _differences(form, error.current)
            data = request.POST.copy()
            data["version"] = error.current.version  # saving again now overwrites knowingly
            form = CaseForm(data, initial=initial)
            form.is_valid()
            form.add_error(None, error.messages)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes were saved."))
            return redirect("puskesos:case-detail", pk=case.pk)
    return render(
        request, "puskesos/case_form.html", case_context(request, case, "overview", form=form, differences=differences)
    )


def _action(request, pk: int, *, capability: str, form_class, service, title: str, done: str, form_kwargs=None):
    case = selectors.case_get(actor=request.user, pk=pk)
    require(request.user, capability, case.desa_id)
    form = form_class(request.POST or None, **(form_kwargs(case) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, case=case, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("puskesos:case-detail", pk=case.pk)
    return render(request, "puskesos/case_action.html", case_context(request, case, "overview", form=form, title=title))


@never_cache
@require_http_methods(["GET", "POST"])
def case_status(request, pk: int):
    return _action(
        request,
        pk,
        capability=INTAKE,
        form_class=CaseStatusForm,
        service=services.case_status_set,
        title=_("Change the status"),
        done=_("The status was changed."),
        form_kwargs=lambda case: {"current": case.status},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def case_review(request, pk: int):
    return _action(
        request,
        pk,
        capability=SUPERVISE,
        form_class=CaseReviewForm,
        service=services.case_review,
        title=_("Mark as reviewed"),
        done=_("The case was marked as reviewed."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def case_return(request, pk: int):
    return _action(
        request,
        pk,
        capability=SUPERVISE,
        form_class=CaseReturnForm,
        service=services.case_return,
        title=_("Return the case"),
        done=_("The case was returned to the fasilitator."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def case_note_add(request, pk: int):
    return _action(
        request,
        pk,
        capability=INTAKE,
        form_class=CaseNoteForm,
        service=services.case_note_add,
        title=_("Add a note"),
        done=_("The note was added."),
        form_kwargs=lambda case: {"initial": {"confidential": case.confidential}},
    )


urls = [
    path("kasus/", case_list, name="case-list"),
    path("kasus/ekspor/", case_export, name="case-export"),
    path("kasus/terima/", case_intake, name="case-intake"),
    path("kasus/<int:pk>/", case_detail, name="case-detail"),
    path("kasus/<int:pk>/ubah/", case_update, name="case-update"),
    path("kasus/<int:pk>/status/", case_status, name="case-status"),
    path("kasus/<int:pk>/tinjau/", case_review, name="case-review"),
    path("kasus/<int:pk>/kembalikan/", case_return, name="case-return"),
    path("kasus/<int:pk>/catatan/", case_note_add, name="case-note-add"),
]
