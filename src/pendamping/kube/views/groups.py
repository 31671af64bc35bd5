"""Pages of groups: the list (with filters and export), a group's overview and timeline, its stages and
activities (with the gates and overrides), its members, the forms that change them (each through a service), the
printable member list and the report of gate overrides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import require, scope_codes
from pendamping.registry.models import Person
from pendamping.registry.nik import clean_number
from pendamping.registry.selectors import area_filter_choices

from ..forms.groups import (
    ActivityForm,
    BusinessTypeForm,
    KubeFilterForm,
    KubeForm,
    MemberAddForm,
    MemberLeaveForm,
    MemberOverrideForm,
    MemberRoleForm,
    StageAdvanceForm,
    StatusForm,
)
from ..models import Attachment, BusinessType
from ..selectors import groups as selectors
from ..selectors import progress as progress_selectors
from ..services import groups as services
from ..vocab import EVALUATIONS, Activity, Gate, Stage, activity_stage
from .common import group_context

MANAGE = "kube.manage"
RECORD = "kube.record"
OVERRIDE = "kube.override"
EXPORT = "kube.export"


def _filters(request):
    form = KubeFilterForm(request.GET or None, actor=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.KubeFilter(
        q=data.get("q", ""),
        area=data.get("area", ""),
        stage=data.get("stage", ""),
        status=data.get("status", ""),
        kind=data.get("kind", ""),
    )
    return form, filters


@require_GET
def kube_list(request):
    form, filters = _filters(request)
    groups = progress_selectors.with_flag_annotations(selectors.kubes_visible(actor=request.user, filters=filters))
    page = Paginator(groups, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "kube/kube_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": can(request.user, MANAGE),
            "can_export": can(request.user, EXPORT),
        },
    )


@require_GET
def kube_export(request):
    """The groups of the list, with their members, as an XLSX workbook (audited)."""
    require(request.user, EXPORT)
    _form, filters = _filters(request)
    groups = selectors.kubes_visible(actor=request.user, filters=filters)
    rows = (
        (
            g.name,
            g.get_kind_display(),
            str(g.business_type),
            g.desa_id,
            g.desa.name,
            g.kecamatan.name,
            g.get_stage_display(),
            g.get_status_display(),
            g.get_funding_source_display(),
            g.budget_year,
            g.formed_on,
            g.member_count,
            g.pendamping.full_name if g.pendamping else "",
        )
        for g in groups.iterator(chunk_size=500)
    )
    columns = [
        Column(_("Group name"), 28),
        Column(_("Kind")),
        Column(_("Business type"), 20),
        Column(_("Desa code")),
        Column(_("Desa"), 18),
        Column(_("Kecamatan"), 18),
        Column(_("Stage"), 26),
        Column(_("Status")),
        Column(_("Funding source")),
        Column(_("Budget year")),
        Column(_("Formed on")),
        Column(_("Members")),
        Column(_("Pendamping"), 20),
    ]
    return table_export(
        actor=request.user,
        thing="kube",
        object_type="kube.kube",
        filename_stem=f"kube-{timezone.localdate():%Y-%m-%d}",
        columns=columns,
        rows=rows,
        filters=vars(filters),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.area),
        sheet_name="KUBE",
        fmt=export_format(request),
        count=groups.count,
    )


@require_GET
def member_export(request):
    """The active members of the groups of the list, one row each, as XLSX (audited)."""
    require(request.user, EXPORT)
    _form, filters = _filters(request)
    members = selectors.members_of(groups=selectors.kubes_visible(actor=request.user, filters=filters))
    rows = (
        (
            m.kube.name,
            m.kube.desa_id,
            m.kube.stage,
            m.person.name,
            m.person.nik,
            m.household.no_kk,
            m.get_role_display(),
            m.joined_on,
            m.screening.get_decision_display() if m.screening else "",
            m.eligibility_override,
        )
        for m in members.iterator(chunk_size=1000)
    )
    columns = [
        Column(_("Group name"), 28),
        Column(_("Desa code")),
        Column(_("Stage"), 8),
        Column(_("Name"), 24),
        Column(_("NIK"), 18),
        Column(_("No. KK"), 18),
        Column(_("Role")),
        Column(_("Joined on")),
        Column(_("Screening"), 16),
        Column(_("Admitted by override, because"), 30),
    ]
    return table_export(
        actor=request.user,
        thing="kube_member",
        object_type="kube.kubemember",
        filename_stem=f"anggota-kube-{timezone.localdate():%Y-%m-%d}",
        columns=columns,
        rows=rows,
        filters=vars(filters),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.area),
        sheet_name="Anggota KUBE",
        fmt=export_format(request),
        count=members.count,
    )


def _desa_choices(user):
    choices = area_filter_choices(actor=user, capability=MANAGE)
    return [(label, [(code, name) for code, name in options if code.count(".") == 3]) for label, options in choices]


@never_cache
@require_http_methods(["GET", "POST"])
def kube_create(request):
    if not can(request.user, MANAGE):
        raise NotAllowed(MANAGE)
    today = timezone.localdate()
    form = KubeForm(
        request.POST or None,
        actor=request.user,
        desa_choices=_desa_choices(request.user),
        initial={"budget_year": today.year, "formed_on": today, "funding_source": "apbd"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            kube = services.kube_create(actor=request.user, reason=form.cleaned_data["reason"], **form.values())
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The group was registered in stage T0."))
            return redirect("kube:kube-detail", pk=kube.pk)
    return render(request, "kube/kube_form.html", {"form": form, "kube": None})


@never_cache
@require_http_methods(["GET", "POST"])
def kube_update(request, pk: int):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, MANAGE, kube.desa_id)
    initial = {name: getattr(kube, name) for name in services.KUBE_INPUT if name != "desa_code"}
    initial["desa_code"] = kube.desa_id
    initial["business_type"] = kube.business_type_id
    initial["pendamping"] = kube.pendamping_id
    form = KubeForm(request.POST or None, actor=request.user, desa_choices=_desa_choices(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.kube_update(actor=request.user, kube=kube, reason=form.cleaned_data["reason"], **form.values())
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes were saved."))
            return redirect("kube:kube-detail", pk=kube.pk)
    return render(request, "kube/kube_form.html", group_context(request, kube, "overview", form=form))


@never_cache
@require_http_methods(["GET", "POST"])
def kube_status(request, pk: int):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, MANAGE, kube.desa_id)
    form = StatusForm(request.POST or None, initial={"status": kube.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.kube_status_set(actor=request.user, kube=kube, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("kube:kube-detail", pk=kube.pk)
    return render(request, "kube/kube_status.html", group_context(request, kube, "overview", form=form))


@require_GET
def kube_detail(request, pk: int):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    members = selectors.kube_members(kube=kube)
    target = services.next_stage(kube.stage)
    return render(
        request,
        "kube/kube_detail.html",
        group_context(
            request,
            kube,
            "overview",
            members=members,
            next_stage=Stage(target) if target else None,
            gate_unmet=services.gate_unmet(kube, target) if target else [],
            overrides=selectors.kube_overrides(kube=kube),
            timeline=selectors.kube_timeline(kube=kube)[:50],
        ),
    )


@require_GET
def kube_stages(request, pk: int):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    target = services.next_stage(kube.stage)
    return render(
        request,
        "kube/kube_stages.html",
        group_context(
            request,
            kube,
            "stages",
            stages=selectors.kube_stages(kube=kube),
            next_stage=Stage(target) if target else None,
            gate_unmet=services.gate_unmet(kube, target) if target else [],
            activity_gates={
                code: services.gate_unmet(kube, gate)
                for code, gate in services.ACTIVITY_GATES.items()
                if activity_stage(code) == kube.stage
            },
            evaluations=EVALUATIONS,
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def activity_record(request, pk: int, code: str):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, RECORD, kube.desa_id)
    if code not in Activity.values:
        raise Http404
    form = ActivityForm(
        request.POST or None, request.FILES or None, activity=code, initial={"done_on": timezone.localdate()}
    )
    gate = services.ACTIVITY_GATES.get(code)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record(actor=request.user, kube=kube, activity=code, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(activity)s was recorded.") % {"activity": code})
            return redirect("kube:kube-stages", pk=kube.pk)
    return render(
        request,
        "kube/activity_record.html",
        group_context(
            request,
            kube,
            "stages",
            form=form,
            code=code,
            activity_label=Activity(code).label,
            gate=Gate(gate) if gate else None,
            gate_unmet=services.gate_unmet(kube, gate) if gate else [],
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def stage_advance(request, pk: int):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, MANAGE, kube.desa_id)
    target = services.next_stage(kube.stage)
    if target is None:
        raise Http404
    form = StageAdvanceForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_advance(actor=request.user, kube=kube, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The group is now in %(stage)s.") % {"stage": Stage(target).label})
            return redirect("kube:kube-stages", pk=kube.pk)
    return render(
        request,
        "kube/stage_advance.html",
        group_context(
            request,
            kube,
            "stages",
            form=form,
            next_stage=Stage(target),
            gate_unmet=services.gate_unmet(kube, target),
        ),
    )


@require_GET
def member_list(request, pk: int):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    return render(
        request,
        "kube/member_list.html",
        group_context(request, kube, "members", members=selectors.kube_members(kube=kube, include_former=True)),
    )


@require_GET
def member_print(request, pk: int):
    """The printable member list, with a signature column."""
    kube = selectors.kube_get(actor=request.user, pk=pk)
    return render(
        request,
        "kube/member_print.html",
        {"kube": kube, "members": selectors.kube_members(kube=kube), "today": timezone.localdate()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, MANAGE, kube.desa_id)
    form = MemberAddForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        nik = clean_number(form.cleaned_data["nik"])
        person = Person.objects.filter(nik=nik, deleted_at__isnull=True).first()
        if person is None or not can(request.user, "registry.view", person.household.desa_id):
            form.add_error("nik", _("No person with this NIK in the registry of your areas. Register them first."))
        else:
            try:
                services.kube_member_add(
                    actor=request.user,
                    kube=kube,
                    person=person,
                    role=form.cleaned_data["role"],
                    joined_on=form.cleaned_data["joined_on"],
                    eligibility_override=form.cleaned_data["eligibility_override"],
                )
            except (ValidationError, NotAllowed) as error:
                add_service_errors(form, error)
                if isinstance(error, ValidationError) and "person" in getattr(error, "error_dict", {}):
                    form.add_error("nik", error.error_dict["person"][0].messages)
            else:
                messages.success(request, _("%(name)s joined the group.") % {"name": person.name})
                return redirect("kube:member-list", pk=kube.pk)
    return render(request, "kube/member_add.html", group_context(request, kube, "members", form=form))


@require_POST
def member_propose(request):
    """Candidates selected on the screening's candidate list, added to a group one by one through the service;
    each refusal is reported with the person's name, the others are added."""
    try:
        kube = selectors.kube_get(actor=request.user, pk=int(request.POST.get("kube", "")))
    except ValueError:
        raise Http404 from None
    require(request.user, MANAGE, kube.desa_id)
    ids = [int(value) for value in request.POST.getlist("person") if value.isdigit()]
    people = Person.objects.filter(pk__in=ids, deleted_at__isnull=True).select_related("household")
    people = [p for p in people if can(request.user, "registry.view", p.household.desa_id)]
    if not people:
        messages.error(request, _("Select at least one candidate."))
        return redirect("kube:member-list", pk=kube.pk)
    added = 0
    for person in people:
        try:
            services.kube_member_add(
                actor=request.user,
                kube=kube,
                person=person,
                joined_on=timezone.localdate(),
                reason=_("proposed from the candidate list"),
            )
            added += 1
        except ValidationError as error:
            messages.error(request, f"{person.name}: {' '.join(error.messages)}")
    if added:
        messages.success(request, _("%(count)d candidate(s) added to %(kube)s.") % {"count": added, "kube": kube.name})
    return redirect("kube:member-list", pk=kube.pk)


def _member_form_page(request, pk: int, member_pk: int, *, form_class, template: str, capability: str, save, done):
    kube = selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, capability, kube.desa_id)
    member = selectors.member_get(kube=kube, pk=member_pk)
    form = form_class(request.POST or None, initial={"left_on": timezone.localdate(), "role": member.role})
    if request.method == "POST" and form.is_valid():
        try:
            save(member, form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done % {"name": member.person.name})
            return redirect("kube:member-list", pk=kube.pk)
    return render(request, template, group_context(request, kube, "members", form=form, member=member))


@never_cache
@require_http_methods(["GET", "POST"])
def member_leave(request, pk: int, member_pk: int):
    return _member_form_page(
        request,
        pk,
        member_pk,
        form_class=MemberLeaveForm,
        template="kube/member_leave.html",
        capability=MANAGE,
        save=lambda member, data: services.kube_member_leave(actor=request.user, member=member, **data),
        done=_("%(name)s left the group."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def member_role(request, pk: int, member_pk: int):
    return _member_form_page(
        request,
        pk,
        member_pk,
        form_class=MemberRoleForm,
        template="kube/member_role.html",
        capability=MANAGE,
        save=lambda member, data: services.kube_member_role_set(actor=request.user, member=member, **data),
        done=_("The role of %(name)s was changed."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def member_override(request, pk: int, member_pk: int):
    return _member_form_page(
        request,
        pk,
        member_pk,
        form_class=MemberOverrideForm,
        template="kube/member_override.html",
        capability=OVERRIDE,
        save=lambda member, data: services.kube_member_override_set(actor=request.user, member=member, **data),
        done=_("%(name)s is admitted by override."),
    )


@require_GET
def override_list(request):
    """Every gate passed by override in the user's areas (the report the Dinas Sosial reads)."""
    overrides = selectors.overrides_visible(actor=request.user)
    page = Paginator(overrides, 50).get_page(request.GET.get("page"))
    return render(request, "kube/override_list.html", {"page": page, "gates": dict(Gate.choices)})


@never_cache
@require_http_methods(["GET", "POST"])
def business_type_list(request):
    """The business types groups choose from: the common list and the kabupaten's own, which its admin extends."""

    def kabupaten_of(capability: str) -> list[str]:
        codes = scope_codes(request.user, capability) or []
        return sorted({".".join(code.split(".")[:2]) for code in codes if code.count(".") >= 1})

    kabupaten = kabupaten_of("kube.business_types")
    form = BusinessTypeForm(request.POST or None) if kabupaten else None
    if request.method == "POST":
        if form is None:
            raise NotAllowed("kube.business_types")
        if form.is_valid():
            try:
                services.business_type_add(actor=request.user, area_code=kabupaten[0], **form.cleaned_data)
            except (ValidationError, NotAllowed) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The business type was added."))
                return redirect("kube:business-type-list")
    types = BusinessType.objects.filter(area_code__in=["", *kabupaten_of("kube.view")]).order_by("kind", "name")
    return render(request, "kube/business_type_list.html", {"types": types, "form": form})


@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """A file of the group, only for those who see the group; sent as an attachment, never run by the browser."""
    kube = selectors.kube_get(actor=request.user, pk=pk)
    try:
        attachment = Attachment.objects.get(pk=attachment_pk, kube=kube)
    except Attachment.DoesNotExist:
        raise Http404 from None
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urls = [
    path("", kube_list, name="kube-list"),
    path("ekspor/", kube_export, name="kube-export"),
    path("ekspor-anggota/", member_export, name="member-export"),
    path("baru/", kube_create, name="kube-create"),
    path("penyimpangan-tahap/", override_list, name="override-list"),
    path("jenis-usaha/", business_type_list, name="business-type-list"),
    path("<int:pk>/", kube_detail, name="kube-detail"),
    path("<int:pk>/ubah/", kube_update, name="kube-update"),
    path("<int:pk>/status/", kube_status, name="kube-status"),
    path("<int:pk>/tahapan/", kube_stages, name="kube-stages"),
    path("<int:pk>/tahapan/maju/", stage_advance, name="stage-advance"),
    path("<int:pk>/kegiatan/<str:code>/", activity_record, name="activity-record"),
    path("<int:pk>/anggota/", member_list, name="member-list"),
    path("<int:pk>/anggota/cetak/", member_print, name="member-print"),
    path("<int:pk>/anggota/tambah/", member_add, name="member-add"),
    path("anggota/usulkan/", member_propose, name="member-propose"),
    path("<int:pk>/anggota/<int:member_pk>/keluar/", member_leave, name="member-leave"),
    path("<int:pk>/anggota/<int:member_pk>/peran/", member_role, name="member-role"),
    path("<int:pk>/anggota/<int:member_pk>/pengecualian/", member_override, name="member-override"),
    path("<int:pk>/berkas/<int:attachment_pk>/", attachment_download, name="attachment-download"),
]
