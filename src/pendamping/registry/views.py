"""Pages of the registry: lists with search and filters, a household's page with its members and measures, the
forms that change them (each through a service), exports and the review of probable duplicates.

Personal data stays out of URLs (domain.md section 7): a search (`q`, a NIK, a No. KK or a name) is posted, never
put in the address; the address keeps only the filters that name no one (area, desil, PKH, poverty class). The lists
opt out of htmx's history cache so that no page of names is left in the browser's storage, and every page of the
registry is sent with `Cache-Control: no-store`.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.htmx import is_htmx
from pendamping.core.scoping import require, scope_codes

from . import dedup, poverty, selectors, services
from .forms import (
    PERSON_FIELDS,
    ChecklistForm,
    DeleteForm,
    DismissForm,
    HouseholdCreateForm,
    HouseholdFilterForm,
    HouseholdForm,
    HouseholdUpdateForm,
    KkChangeForm,
    MergeForm,
    PersonFilterForm,
    PersonForm,
    PersonUpdateForm,
    PpksForm,
    RestoreForm,
)
from .services import StaleEdit
from .vocab import CHECKLIST_ITEMS, BasicNeed, ChecklistKind, Relation

EDIT = "registry.edit"
EXPORT = "registry.export"
MERGE = "registry.merge"


def _fragment(request) -> bool:
    """An htmx request for the results only (a history restore after "back" wants the whole page)."""
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


def _filter_data(request) -> QueryDict:
    """The filters of a list: posted (a search), or from the address without any `q` (a NIK never rides in a URL)."""
    if request.method == "POST":
        return request.POST
    data = request.GET.copy()
    data.pop("q", None)
    return data


def _list_state(form, page) -> dict:
    """The query string of the filters that name no one (for the address and the page links), and every filter as
    hidden fields (for the export and the pager of a search), exactly as the list shows them."""
    shown = QueryDict(mutable=True)
    hidden = []
    if form.is_bound and form.is_valid():
        for name in form.fields:
            value = form.data.get(name, "")
            if value:
                hidden.append((name, value))
                if name != "q":
                    shown[name] = value
    address = shown.copy()
    searched = any(name == "q" for name, _value in hidden)
    if page is not None and page.number > 1 and not searched:  # a search's page means nothing without the search
        address["page"] = page.number
    return {"query": shown.urlencode(), "address": address.urlencode(), "hidden": hidden}


def _list_response(request, *, page_template: str, results_template: str, context: dict, url_name: str):
    partial = _fragment(request)
    response = render(request, results_template if partial else page_template, context)
    if partial:
        address = context["state"]["address"]
        response["HX-Push-Url"] = reverse(url_name) + (f"?{address}" if address else "")
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page(request, data, items):
    number = data.get("page") or request.GET.get("page")
    return Paginator(items, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(number)


def _registry_list(request, *, form_class, visible, thing: str):
    """A list of the registry (households or people): filters, scoped rows, a page, and the htmx results partial."""
    data = _filter_data(request)
    form = form_class(data or None, actor=request.user)
    filters = form.filters()
    page = _page(request, data, visible(actor=request.user, filters=filters))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "state": _list_state(form, page),
        "can_edit": can(request.user, EDIT),
        "can_export": can(request.user, EXPORT),
        "can_merge": can(request.user, MERGE),
    }
    return _list_response(
        request,
        page_template=f"registry/{thing}_list.html",
        results_template=f"registry/partials/_{thing}_results.html",
        context=context,
        url_name=f"registry:{thing}-list",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def household_list(request):
    return _registry_list(
        request, form_class=HouseholdFilterForm, visible=selectors.households_visible, thing="household"
    )


@never_cache
@require_http_methods(["GET", "POST"])
def person_list(request):
    return _registry_list(request, form_class=PersonFilterForm, visible=selectors.people_visible, thing="person")


def _require_export(request, form) -> None:
    if not can(request.user, EXPORT):
        raise NotAllowed(EXPORT)
    if not form.is_valid():
        raise Http404


HOUSEHOLD_COLUMNS = [
    Column("no_kk", 19),
    Column("kode_desa", 14),
    Column("nama_desa", 18),
    Column("dusun"),
    Column("rt", 5),
    Column("rw", 5),
    Column("alamat", 24),
    Column("id_dtks"),
    Column("desil", 6),
    Column("periode_desil", 10),
    Column("padan_dukcapil", 8),
    Column("status_pkh", 16),
    Column("sembako", 8),
    Column("pbi_jk", 8),
    Column("purnabina_kat", 8),
    Column("purnabina_lain"),
    Column("tahun_bantuan_kube", 8),
    Column("penghasilan_bulanan"),
    Column("kebutuhan_dasar_bulanan"),
    Column("kemiskinan_menurut_kebutuhan", 14),
    Column("kebutuhan_dasar_tidak_terpenuhi", 24),
    Column("nik_kepala_keluarga", 19),
    Column("nama_kepala_keluarga", 24),
    Column("jumlah_anggota", 8),
]


@require_POST
def household_export(request):
    """The household list as it is shown (same search, filters and areas), as XLSX; audited."""
    form = HouseholdFilterForm(request.POST, actor=request.user)
    _require_export(request, form)
    filters = form.filters()
    rows = (
        (
            h.no_kk,
            h.desa_id,
            h.desa.name,
            h.dusun,
            h.rt,
            h.rw,
            h.alamat,
            h.id_dtks,
            h.desil,
            h.desil_period,
            h.padan_dukcapil,
            h.pkh_status,
            h.sembako,
            h.pbi_jk,
            h.purnabina_kat,
            h.purnabina_lain,
            h.kube_aid_year,
            h.monthly_income,
            h.basic_needs_cost,
            h.poverty_class,
            ", ".join(h.unmet_needs or []),
            h.head_nik,
            h.head_name,
            h.member_count,
        )
        for h in selectors.household_export_rows(actor=request.user, filters=filters)
    )
    return table_export(
        actor=request.user,
        thing="household",
        object_type="registry.household",
        filename_stem=f"keluarga-{timezone.localdate():%Y-%m-%d}",
        columns=HOUSEHOLD_COLUMNS,
        rows=rows,
        filters=filters.as_dict(),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.desa),
        sheet_name="Keluarga",
        fmt=export_format(request),
        count=lambda: selectors.households_visible(actor=request.user, filters=filters, capability=EXPORT).count(),
    )


PERSON_COLUMNS = [
    Column("id_dtks"),
    Column("kode_desa", 14),
    Column("alamat", 24),
    Column("dusun"),
    Column("rt", 5),
    Column("rw", 5),
    Column("no_kk", 19),
    Column("nik", 19),
    Column("nama", 24),
    Column("tempat_lahir"),
    Column("tanggal_lahir", 12),
    Column("jenis_kelamin", 6),
    Column("hubungan_keluarga", 16),
    Column("status_kawin", 12),
    Column("pendidikan", 12),
    Column("pekerjaan", 16),
    Column("desil", 6),
    Column("status_pkh", 16),
    Column("penghasilan_bulanan"),
    Column("kebutuhan_dasar_bulanan"),
    Column("ppks", 12),
]


@require_POST
def person_export(request):
    """The person list as it is shown, in the canonical columns of the import (plus the PPKS codes); audited."""
    form = PersonFilterForm(request.POST, actor=request.user)
    _require_export(request, form)
    filters = form.filters()
    rows = (
        (
            p.household.id_dtks,
            p.household.desa_id,
            p.household.alamat,
            p.household.dusun,
            p.household.rt,
            p.household.rw,
            p.household.no_kk,
            p.nik,
            p.name,
            p.birth_place,
            p.birth_date.isoformat(),
            p.sex,
            p.relation,
            p.marital_status,
            p.education,
            p.occupation,
            p.household.desil,
            p.household.pkh_status,
            p.household.monthly_income,
            p.household.basic_needs_cost,
            " ".join(item.category for item in p.ppks.all()),
        )
        for p in selectors.person_export_rows(actor=request.user, filters=filters)
    )
    return table_export(
        actor=request.user,
        thing="person",
        object_type="registry.person",
        filename_stem=f"individu-{timezone.localdate():%Y-%m-%d}",
        columns=PERSON_COLUMNS,
        rows=rows,
        filters=filters.as_dict(),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.desa),
        sheet_name="Individu",
        fmt=export_format(request),
        count=lambda: selectors.people_visible(actor=request.user, filters=filters, capability=EXPORT).count(),
    )


def _checklist_view(checklist) -> dict:
    choices = CHECKLIST_ITEMS[ChecklistKind(checklist.kind)]
    labels = dict(choices.choices)
    return {
        "checklist": checklist,
        "total": len(choices.values),
        "met": [(code, labels.get(code, code)) for code in checklist.items],
    }


@never_cache
@require_GET
def household_detail(request, pk: int):
    """A household's page; a removed one (for those who may edit its desa) says so and offers to restore it."""
    household = selectors.household_page_get(actor=request.user, pk=pk)
    checklists = selectors.household_checklists(household=household)
    unmet = set(household.unmet_needs or [])
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": selectors.household_members(household=household),
            "need": poverty.classify_by_need(household.monthly_income, household.basic_needs_cost),
            "needs": [(label, value in unmet) for value, label in BasicNeed.choices],
            "latest_checklists": [_checklist_view(c) for c in checklists["latest"]],
            "checklist_history": checklists["history"],
            "checklist_kinds": ChecklistKind.choices,
            "kk_history": selectors.household_kk_history(household=household),
            "events": selectors.household_history(actor=request.user, household=household),
            "can_edit": can(request.user, EDIT, household.desa_id),
            "removed": household.deleted_at is not None,
        },
    )


def _stale_values(form, current: dict) -> list[tuple[str, object, object]]:
    """(label, what was typed, what is saved now) of each field someone else changed meanwhile."""
    rows = []
    for name, saved in current.items():
        if name not in form.fields or name == "version":
            continue
        typed = form.cleaned_data.get(name)
        if isinstance(typed, list) and isinstance(saved, list):
            typed, saved = sorted(typed), sorted(saved)
        if typed != saved and not (typed in (None, "", []) and saved in (None, "", [])):
            rows.append((form.fields[name].label, typed, saved))
    return rows


def _keep_typed_with_new_version(form, version: int) -> None:
    """After a stale save: what was typed stays in the form, now against the current version, so that saving again
    is a deliberate choice made with the saved values in view."""
    data = form.data.copy()
    data["version"] = str(version)
    form.data = data


@never_cache
@require_http_methods(["GET", "POST"])
def household_create(request):
    if not can(request.user, EDIT):
        raise NotAllowed(EDIT)
    codes = scope_codes(request.user, EDIT)
    initial = {"desa_code": codes[0]} if codes and len(codes) == 1 else {}
    form = HouseholdCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create_with_head(
                actor=request.user,
                head=form.head_values(),
                reason=form.cleaned_data["reason"],
                kk_since=form.cleaned_data["kk_since"],
                **form.household_values(),
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The household was registered."))
            for warning in household.warnings:
                messages.warning(request, warning)
            return redirect("registry:household-detail", pk=household.pk)
    head_fields = {name: form[f"head_{name}"] for name in PERSON_FIELDS if f"head_{name}" in form.fields}
    return render(request, "registry/household_create.html", {"form": form, "head_fields": head_fields})


@never_cache
@require_http_methods(["GET", "POST"])
def household_update(request, pk: int):
    household = selectors.household_get(actor=request.user, pk=pk)
    require(request.user, EDIT, household.desa_id)
    initial = {**HouseholdForm.initial_from(household), "version": household.version}
    form = HouseholdUpdateForm(request.POST or None, initial=initial)
    stale = []
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=request.user,
                household=household,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **form.household_values(),
            )
        except StaleEdit as error:
            add_service_errors(form, error)
            household = selectors.household_get(actor=request.user, pk=pk)
            stale = _stale_values(form, HouseholdForm.initial_from(household))
            _keep_typed_with_new_version(form, household.version)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes were saved."))
            return redirect("registry:household-detail", pk=household.pk)
    return render(request, "registry/household_update.html", {"form": form, "household": household, "stale": stale})


@never_cache
@require_http_methods(["GET", "POST"])
def household_kk_change(request, pk: int):
    household = selectors.household_get(actor=request.user, pk=pk)
    require(request.user, EDIT, household.desa_id)
    form = KkChangeForm(request.POST or None, initial={"changed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.household_kk_change(actor=request.user, household=household, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The new No. KK was saved; the old one stays in the history."))
            return redirect("registry:household-detail", pk=household.pk)
    return render(request, "registry/household_kk_change.html", {"form": form, "household": household})


@never_cache
@require_http_methods(["GET", "POST"])
def household_delete(request, pk: int):
    household = selectors.household_get(actor=request.user, pk=pk)
    require(request.user, EDIT, household.desa_id)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_delete(actor=request.user, household=household, reason=form.cleaned_data["reason"])
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The household was removed from the lists; its record and history are kept."))
            return redirect("registry:household-list")
    return render(request, "registry/household_delete.html", {"form": form, "household": household})


@never_cache
@require_http_methods(["GET", "POST"])
def household_restore(request, pk: int):
    household = selectors.household_removed_get(actor=request.user, pk=pk)
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_restore(actor=request.user, household=household, reason=form.cleaned_data["reason"])
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The household is back in the lists, with the members removed with it."))
            return redirect("registry:household-detail", pk=household.pk)
    return render(
        request,
        "registry/household_restore.html",
        {"form": form, "household": household, "members": selectors.household_members(household=household)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def checklist_create(request, pk: int, kind: str):
    household = selectors.household_get(actor=request.user, pk=pk)
    require(request.user, EDIT, household.desa_id)
    if kind not in ChecklistKind.values:
        raise Http404
    form = ChecklistForm(request.POST or None, kind=kind, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            checklist = services.checklist_record(
                actor=request.user, household=household, kind=kind, **form.cleaned_data
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Checklist saved: %(count)s of %(total)s criteria met.")
                % {"count": checklist.count, "total": len(CHECKLIST_ITEMS[ChecklistKind(kind)].values)},
            )
            return redirect("registry:household-detail", pk=household.pk)
    return render(
        request,
        "registry/checklist_create.html",
        {"form": form, "household": household, "kind_label": ChecklistKind(kind).label},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def person_create(request, pk: int):
    household = selectors.household_get(actor=request.user, pk=pk)
    require(request.user, EDIT, household.desa_id)
    form = PersonForm(request.POST or None, initial={"relation": Relation.ANAK})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_add(
                actor=request.user, household=household, reason=form.cleaned_data["reason"], **form.person_values()
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added to the household.") % {"name": person.name})
            for warning in person.warnings:
                messages.warning(request, warning)
            return redirect("registry:household-detail", pk=household.pk)
    return render(request, "registry/person_create.html", {"form": form, "household": household})


@never_cache
@require_GET
def person_detail(request, pk: int):
    """A person's page; a removed person (for those who may edit their desa) is shown as such, with a way back."""
    person = selectors.person_page_get(actor=request.user, pk=pk)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "household": person.household,
            "ppks": selectors.person_ppks(person=person),
            "events": selectors.person_history(actor=request.user, person=person),
            "merged": selectors.person_merged_records(actor=request.user, person=person),
            "can_edit": can(request.user, EDIT, person.household.desa_id),
            "removed": person.deleted_at is not None,
            "household_removed": person.household.deleted_at is not None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def person_update(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, EDIT, person.household.desa_id)
    initial = {**PersonForm.initial_from(person), "version": person.version}
    form = PersonUpdateForm(request.POST or None, initial=initial)
    stale = []
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(
                actor=request.user,
                person=person,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **form.person_values(),
            )
        except StaleEdit as error:
            add_service_errors(form, error)
            person = selectors.person_get(actor=request.user, pk=pk)
            stale = _stale_values(form, PersonForm.initial_from(person))
            _keep_typed_with_new_version(form, person.version)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes were saved."))
            for warning in person.warnings:
                messages.warning(request, warning)
            return redirect("registry:person-detail", pk=person.pk)
    return render(request, "registry/person_update.html", {"form": form, "person": person, "stale": stale})


@never_cache
@require_http_methods(["GET", "POST"])
def person_delete(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, EDIT, person.household.desa_id)
    form = DeleteForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_delete(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was removed from the household's list.") % {"name": person.name})
            return redirect("registry:household-detail", pk=person.household_id)
    return render(request, "registry/person_delete.html", {"form": form, "person": person})


@never_cache
@require_http_methods(["GET", "POST"])
def person_restore(request, pk: int):
    person = selectors.person_removed_get(actor=request.user, pk=pk)
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_restore(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is back on the household's list.") % {"name": person.name})
            return redirect("registry:person-detail", pk=person.pk)
    return render(request, "registry/person_restore.html", {"form": form, "person": person})


REMOVED_KINDS = {"keluarga", "individu"}


@never_cache
@require_GET
def removed_list(request):
    """Removed households (with the members removed with them) or people removed on their own, in the areas the user
    may edit, the last removed first; each opens on its page, from where it can be restored."""
    if not can(request.user, EDIT):
        raise NotAllowed(EDIT)
    kind = request.GET.get("jenis")
    kind = kind if kind in REMOVED_KINDS else "keluarga"
    if kind == "keluarga":
        items = selectors.removed_households(actor=request.user)
    else:
        items = selectors.removed_people(actor=request.user)
    page = Paginator(items, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/removed_list.html",
        {"page": page, "kind": kind, "query": f"jenis={kind}", "can_edit": True, "can_merge": can(request.user, MERGE)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ppks_create(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    require(request.user, EDIT, person.household.desa_id)
    form = PpksForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_ppks_add(actor=request.user, person=person, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The PPKS category was recorded."))
            return redirect("registry:person-detail", pk=person.pk)
    return render(request, "registry/ppks_create.html", {"form": form, "person": person})


@never_cache
@require_GET
def duplicate_list(request):
    candidates = dedup.duplicate_candidates(actor=request.user)
    page = Paginator(candidates, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/duplicate_list.html",
        {"page": page, "can_edit": can(request.user, EDIT), "can_merge": can(request.user, MERGE), "query": ""},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def person_merge(request, pk: int, other: int):
    """Two records side by side; the user chooses the one to keep and gives the reason."""
    first = selectors.person_get(actor=request.user, pk=pk)
    second = selectors.person_get(actor=request.user, pk=other)
    if first.pk == second.pk:
        return HttpResponseBadRequest()
    require(request.user, MERGE, first.household.desa_id)
    require(request.user, MERGE, second.household.desa_id)
    form = MergeForm(request.POST or None, first=first, second=second, initial={"keep": str(first.pk)})
    if request.method == "POST" and form.is_valid():
        keep, duplicate = (first, second) if form.cleaned_data["keep"] == str(first.pk) else (second, first)
        try:
            services.person_merge(
                actor=request.user, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(dup)s was merged into %(keep)s; both histories are kept.")
                % {"dup": duplicate.name, "keep": keep.name},
            )
            return redirect("registry:person-detail", pk=keep.pk)
    rule = dedup.matching_rule(first, second)
    return render(
        request,
        "registry/person_merge.html",
        {
            "form": form,
            "people": [{"person": p, "ppks": selectors.person_ppks(person=p)} for p in (first, second)],
            "rule_label": dedup.RULE_LABELS.get(rule) if rule else None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def duplicate_dismiss(request, pk: int, other: int):
    """Two records side by side; the user confirms that they are two different people and says why."""
    first = selectors.person_get(actor=request.user, pk=pk)
    second = selectors.person_get(actor=request.user, pk=other)
    if first.pk == second.pk:
        return HttpResponseBadRequest()
    require(request.user, MERGE, first.household.desa_id)
    require(request.user, MERGE, second.household.desa_id)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.duplicate_dismiss(
                actor=request.user, first=first, second=second, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(first)s and %(second)s are marked as two different people; the pair is no longer listed.")
                % {"first": first.name, "second": second.name},
            )
            return redirect("registry:duplicate-list")
    rule = dedup.matching_rule(first, second)
    return render(
        request,
        "registry/duplicate_dismiss.html",
        {
            "form": form,
            "first": first,
            "second": second,
            "people": [{"person": p, "ppks": selectors.person_ppks(person=p)} for p in (first, second)],
            "rule_label": dedup.RULE_LABELS.get(rule) if rule else None,
        },
    )
