"""Pages of register proposals (the per-desa list the Dinas Sosial reads, a proposal's page with the step it is
at), the PPKS mapping of an area, and the PSKS register."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
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
from pendamping.registry.models import Household
from pendamping.registry.nik import clean_number
from pendamping.registry.selectors import area_filter_choices

from ..forms.register import (
    AdvanceForm,
    MusdesForm,
    PpksCountForm,
    ProposalCreateForm,
    ProposalFilterForm,
    PsksFilterForm,
    PsksForm,
    VerifyForm,
)
from ..selectors import register as selectors
from ..services import register as services
from ..vocab import PROPOSAL_TRANSITIONS, ProposalState, PsksKind

VIEW = "puskesos.view"
EXPORT = "puskesos.export"


def _desa_choices(user, capability: str):
    choices = area_filter_choices(actor=user, capability=capability)
    return [(label, [(code, name) for code, name in options if code.count(".") == 3]) for label, options in choices]


def _proposal_filters(request):
    form = ProposalFilterForm(request.GET or None, actor=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, selectors.ProposalFilter(area=data.get("area", ""), state=data.get("state", ""))


@never_cache
@require_GET
def proposal_list(request):
    form, filters = _proposal_filters(request)
    page = Paginator(selectors.proposals_visible(actor=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "puskesos/proposal_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "by_desa": selectors.proposal_counts_by_desa(actor=request.user, filters=filters),
            "states": ProposalState.choices,
            "can_propose": can(request.user, "puskesos.propose"),
            "can_export": can(request.user, EXPORT),
        },
    )


@require_GET
def proposal_export(request):
    require(request.user, EXPORT)
    _form, filters = _proposal_filters(request)
    rows = (
        (
            p.desa_id,
            p.desa.name,
            p.household.no_kk,
            p.get_state_display(),
            p.reason,
            p.musdes_on,
            p.get_verification_display() if p.verification else "",
            p.decided_on,
            p.created_at.date(),
        )
        for p in selectors.proposals_visible(actor=request.user, filters=filters).iterator(chunk_size=1000)
    )
    columns = [
        Column(_("Desa code")),
        Column(_("Desa"), 18),
        Column(_("No. KK"), 18),
        Column(_("State"), 16),
        Column(_("Reason"), 40),
        Column(_("Musyawarah desa")),
        Column(_("Verification")),
        Column(_("Decided on")),
        Column(_("Proposed on")),
    ]
    return table_export(
        actor=request.user,
        thing="register_proposal",
        object_type="puskesos.registerproposal",
        filename_stem=f"usulan-dtks-{timezone.localdate():%Y-%m-%d}",
        columns=columns,
        rows=rows,
        filters=vars(filters),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.area),
        sheet_name="Usulan DTKS",
        fmt=export_format(request),
        count=lambda: selectors.proposals_visible(actor=request.user, filters=filters).count(),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    """A proposal for a household found by its No. KK (the number is posted, never put in the address)."""
    if not can(request.user, "puskesos.propose"):
        raise NotAllowed("puskesos.propose")
    form = ProposalCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = clean_number(form.cleaned_data["number"])
        household = Household.objects.live().filter(no_kk=number).select_related("desa").first()
        if household is None or not can(request.user, "puskesos.propose", household.desa_id):
            form.add_error("number", _("No household with this No. KK in the registry of your areas."))
        else:
            try:
                proposal = services.proposal_create(
                    actor=request.user, household=household, reason=form.cleaned_data["reason"]
                )
            except (ValidationError, NotAllowed) as error:
                add_service_errors(form, error)
                if isinstance(error, ValidationError) and "household" in getattr(error, "error_dict", {}):
                    form.add_error("number", error.error_dict["household"][0].messages)
            else:
                messages.success(request, _("The proposal was started."))
                return redirect("puskesos:proposal-detail", pk=proposal.pk)
    return render(request, "puskesos/proposal_create.html", {"form": form})


def _step_forms(request, proposal):
    """The form of the proposal's next step, when the user may take it."""
    state = ProposalState(proposal.state)
    initial = {"version": proposal.version}
    if state == ProposalState.DRAF and can(request.user, "puskesos.propose", proposal.desa_id):
        return "musdes", MusdesForm(initial={**initial, "musdes_on": timezone.localdate()})
    if state == ProposalState.MUSYAWARAH_DESA and can(request.user, "puskesos.verify", proposal.desa_id):
        return "verify", VerifyForm(initial=initial)
    nexts = [
        s
        for s in PROPOSAL_TRANSITIONS[state]
        if can(request.user, services.STATE_CAPABILITY[s], proposal.desa_id)
        and not (s == ProposalState.PENGESAHAN and proposal.verification != "layak")
    ]
    if nexts:
        return "advance", AdvanceForm(initial=initial, states=nexts)
    return "", None


@never_cache
@require_http_methods(["GET", "POST"])
def proposal_detail(request, pk: int):
    proposal = selectors.proposal_get(actor=request.user, pk=pk)
    step, form = _step_forms(request, proposal)
    if request.method == "POST" and step:
        if step == "musdes":
            form = MusdesForm(request.POST, request.FILES)
        elif step == "verify":
            form = VerifyForm(request.POST)
        else:
            form = AdvanceForm(request.POST, states=[c for c, _label in form.fields["to_state"].choices])
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                if step == "musdes":
                    services.proposal_musdes(actor=request.user, proposal=proposal, expected_version=version, **data)
                elif step == "verify":
                    services.proposal_verify(actor=request.user, proposal=proposal, expected_version=version, **data)
                else:
                    services.proposal_advance(actor=request.user, proposal=proposal, expected_version=version, **data)
            except (ValidationError, NotAllowed) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The proposal was updated."))
                return redirect("puskesos:proposal-detail", pk=proposal.pk)
    return render(
        request,
        "puskesos/proposal_detail.html",
        {"proposal": proposal, "step": step, "form": form, "states": ProposalState.choices},
    )


@require_GET
def document_download(request, pk: int):
    document = selectors.document_get(actor=request.user, pk=pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=not document.content_type.startswith("image/"),
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def ppks_mapping(request):
    """PPKS per desa and category: in the registry, and counted by hand (the TKSK adds counts here)."""
    codes = scope_codes(request.user, VIEW) or []
    area = request.GET.get("area") or (codes[0] if len(codes) == 1 else "")
    if area and not can(request.user, VIEW, area):
        area = ""
    can_map = can(request.user, "puskesos.mapping")
    form = None
    if can_map:
        form = PpksCountForm(
            request.POST or None,
            desa_choices=_desa_choices(request.user, "puskesos.mapping"),
            initial={"counted_on": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.ppks_count_record(actor=request.user, **form.cleaned_data)
            except (ValidationError, NotAllowed) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The count was recorded."))
                return redirect(f"{request.path}?area={area}" if area else request.path)
    elif request.method == "POST":
        raise NotAllowed("puskesos.mapping")
    rows = selectors.ppks_mapping(actor=request.user, area_code=area) if area else []
    return render(
        request,
        "puskesos/ppks_mapping.html",
        {
            "area": area,
            "areas": area_filter_choices(actor=request.user, capability=VIEW),
            "rows": rows,
            "form": form,
        },
    )


def _psks_filters(request):
    form = PsksFilterForm(request.GET or None, actor=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, selectors.PsksFilter(area=data.get("area", ""), kind=data.get("kind", ""), q=data.get("q", ""))


@require_GET
def psks_list(request):
    form, filters = _psks_filters(request)
    page = Paginator(selectors.psks_visible(actor=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "puskesos/psks_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_map": can(request.user, "puskesos.mapping"),
            "can_export": can(request.user, EXPORT),
        },
    )


@require_GET
def psks_export(request):
    require(request.user, EXPORT)
    _form, filters = _psks_filters(request)
    rows = (
        (p.get_kind_display(), p.name, p.desa_id, p.desa.name, p.leader, p.phone, p.address, p.members, p.active)
        for p in selectors.psks_visible(actor=request.user, filters=filters).iterator(chunk_size=1000)
    )
    columns = [
        Column(_("Kind"), 24),
        Column(_("Name"), 30),
        Column(_("Desa code")),
        Column(_("Desa"), 18),
        Column(_("Leader or contact person"), 20),
        Column(_("Phone")),
        Column(_("Address"), 30),
        Column(_("Members")),
        Column(_("Active")),
    ]
    return table_export(
        actor=request.user,
        thing="psks",
        object_type="puskesos.psks",
        filename_stem=f"psks-{timezone.localdate():%Y-%m-%d}",
        columns=columns,
        rows=rows,
        filters=vars(filters),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.area),
        sheet_name="PSKS",
        fmt=export_format(request),
        count=lambda: selectors.psks_visible(actor=request.user, filters=filters).count(),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def psks_edit(request, pk: int | None = None):
    psks = selectors.psks_get(actor=request.user, pk=pk) if pk else None
    if not can(request.user, "puskesos.mapping", psks.desa_id if psks else None):
        raise NotAllowed("puskesos.mapping")
    initial = {"active": True}
    if psks:
        initial = {name: getattr(psks, name) for name in services.PSKS_FIELDS if name != "desa"}
        initial.update(desa_code=psks.desa_id, version=psks.version)
    form = PsksForm(request.POST or None, desa_choices=_desa_choices(request.user, "puskesos.mapping"), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if psks:
                services.psks_update(
                    actor=request.user, psks=psks, expected_version=form.cleaned_data["version"], **form.values()
                )
            else:
                services.psks_add(actor=request.user, **form.values())
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The PSKS was saved."))
            return redirect("puskesos:psks-list")
    return render(request, "puskesos/psks_form.html", {"form": form, "psks": psks, "kinds": PsksKind.choices})


urls = [
    path("usulan/", proposal_list, name="proposal-list"),
    path("usulan/ekspor/", proposal_export, name="proposal-export"),
    path("usulan/baru/", proposal_create, name="proposal-create"),
    path("usulan/<int:pk>/", proposal_detail, name="proposal-detail"),
    path("dokumen/<int:pk>/", document_download, name="document-download"),
    path("pemetaan-ppks/", ppks_mapping, name="ppks-mapping"),
    path("psks/", psks_list, name="psks-list"),
    path("psks/ekspor/", psks_export, name="psks-export"),
    path("psks/baru/", psks_edit, name="psks-create"),
    path("psks/<int:pk>/", psks_edit, name="psks-update"),
]
