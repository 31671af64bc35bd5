"""Pages of a group's money: the stimulus with its tranches and the printable berita acara serah terima, the LPJ with
its lines, submission, verification and printable summary, and the cash book (a phone page for the bendahara: a
quick entry form on top, the latest entries with their balance below), its corrections, monthly summary and export.
Every change goes through kube.services.money."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import require

from ..forms.money import CashEntryForm, CashReverseForm, LpjDecisionForm, LpjLineForm, LpjLineRemoveForm, TrancheForm
from ..selectors import groups as group_selectors
from ..selectors import money as selectors
from ..services import money as services
from ..vocab import CashCategory, CashDirection, LpjState, MemberRole
from .common import group_context

EXPORT = "kube.export"
CASH_PAGE = 30


def _error_messages(request, error) -> None:
    """A refusal of a form-less action (submit), shown as messages on the page it returns to."""
    if isinstance(error, NotAllowed):
        messages.error(request, str(error.args[0]) if error.args else str(error))
    else:
        for message in error.messages:
            messages.error(request, message)


# -- stimulus -----------------------------------------------------------------------------------------------------


@require_GET
def stimulus(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    return render(
        request,
        "kube/stimulus.html",
        group_context(
            request,
            kube,
            "money",
            stimulus=selectors.kube_stimulus(kube=kube),
            lpj=selectors.kube_lpj(kube=kube),
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def tranche_add(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, services.STIMULUS, kube.desa_id)
    form = TrancheForm(request.POST or None, initial={"transferred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            tranche = services.tranche_add(actor=request.user, kube=kube, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Tranche %(number)d was recorded.") % {"number": tranche.number})
            return redirect("kube:stimulus", pk=kube.pk)
    return render(
        request,
        "kube/tranche_add.html",
        group_context(request, kube, "money", form=form, stimulus=selectors.kube_stimulus(kube=kube)),
    )


def _officer(members, role):
    return next((m for m in members if m.role == role), None)


@require_GET
def stimulus_print(request, pk: int):
    """The berita acara serah terima of the stimulus: the group, the amount, the tranches, the members' names with
    a signature line each, and the signatories (ketua, bendahara, pendamping, the Dinas Sosial officer)."""
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    members = group_selectors.kube_members(kube=kube)
    return render(
        request,
        "kube/stimulus_print.html",
        {
            "kube": kube,
            "stimulus": selectors.kube_stimulus(kube=kube),
            "members": members,
            "ketua": _officer(members, MemberRole.KETUA),
            "bendahara": _officer(members, MemberRole.BENDAHARA),
            "today": timezone.localdate(),
        },
    )


# -- LPJ ----------------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def lpj(request, pk: int):
    """The LPJ with its lines and totals; the form adds a line (with its receipt) while the LPJ may change."""
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    form = LpjLineForm(request.POST or None, request.FILES or None, initial={"spent_on": timezone.localdate()})
    if request.method == "POST":
        require(request.user, services.RECORD, kube.desa_id)
        if form.is_valid():
            try:
                services.lpj_line_add(actor=request.user, kube=kube, **form.cleaned_data)
            except (ValidationError, NotAllowed) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The spending line was added."))
                return redirect("kube:lpj", pk=kube.pk)
    return render(
        request,
        "kube/lpj.html",
        group_context(
            request,
            kube,
            "money",
            form=form,
            lpj=selectors.kube_lpj(kube=kube),
            decision_form=LpjDecisionForm(),
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def lpj_line_remove(request, pk: int, line_pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, services.RECORD, kube.desa_id)
    line = selectors.lpj_line_get(kube=kube, pk=line_pk)
    form = LpjLineRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lpj_line_remove(actor=request.user, line=line, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The line was removed from the LPJ."))
            return redirect("kube:lpj", pk=kube.pk)
    return render(request, "kube/lpj_line_remove.html", group_context(request, kube, "money", form=form, line=line))


@require_POST
def lpj_submit(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, services.RECORD, kube.desa_id)
    try:
        services.lpj_submit(actor=request.user, kube=kube)
    except (ValidationError, NotAllowed) as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The LPJ was submitted to the Dinas Sosial."))
    return redirect("kube:lpj", pk=kube.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def lpj_decide(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, services.VERIFY, kube.desa_id)
    form = LpjDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.lpj_decide(actor=request.user, kube=kube, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The LPJ is now %(state)s.") % {"state": LpjState(decided.state).label})
            return redirect("kube:lpj", pk=kube.pk)
    return render(
        request,
        "kube/lpj_decide.html",
        group_context(request, kube, "money", form=form, lpj=selectors.kube_lpj(kube=kube)),
    )


@require_GET
def lpj_print(request, pk: int):
    """The LPJ summary to print: what was received, each spending line, the totals, the state and signatures."""
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    members = group_selectors.kube_members(kube=kube)
    return render(
        request,
        "kube/lpj_print.html",
        {
            "kube": kube,
            "lpj": selectors.kube_lpj(kube=kube),
            "stimulus": selectors.kube_stimulus(kube=kube),
            "ketua": _officer(members, MemberRole.KETUA),
            "bendahara": _officer(members, MemberRole.BENDAHARA),
            "today": timezone.localdate(),
        },
    )


# -- cash book ----------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def cashbook(request, pk: int):
    """The bendahara's page: the quick entry form, the balance, the latest entries with the balance after each."""
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    form = CashEntryForm(
        request.POST or None,
        initial={"entry_date": timezone.localdate(), "direction": CashDirection.IN, "category": CashCategory.PENJUALAN},
    )
    if request.method == "POST":
        require(request.user, services.RECORD, kube.desa_id)
        if form.is_valid():
            try:
                services.cash_entry_add(actor=request.user, kube=kube, **form.cleaned_data)
            except (ValidationError, NotAllowed) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The entry was recorded."))
                return redirect("kube:cashbook", pk=kube.pk)
    page = Paginator(selectors.cash_entries(kube=kube), CASH_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "kube/cashbook.html",
        group_context(
            request,
            kube,
            "cashbook",
            form=form,
            page=page,
            balance=selectors.cash_balance(kube=kube),
            can_export=_can_export(request, kube),
        ),
    )


def _can_export(request, kube) -> bool:
    return can(request.user, EXPORT, kube.desa_id)


@never_cache
@require_http_methods(["GET", "POST"])
def cash_reverse(request, pk: int, entry_pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, services.RECORD, kube.desa_id)
    entry = selectors.cash_entry_get(kube=kube, pk=entry_pk)
    form = CashReverseForm(request.POST or None, initial={"entry_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.cash_entry_reverse(actor=request.user, entry=entry, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The entry was reversed."))
            return redirect("kube:cashbook", pk=kube.pk)
    return render(request, "kube/cash_reverse.html", group_context(request, kube, "cashbook", form=form, entry=entry))


@require_GET
def cash_monthly(request, pk: int):
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    months = selectors.cash_monthly(kube=kube)
    return render(
        request,
        "kube/cash_monthly.html",
        group_context(
            request, kube, "cashbook", months=list(reversed(months)), balance=selectors.cash_balance(kube=kube)
        ),
    )


@require_GET
def cash_export(request, pk: int):
    """The whole cash book of the group as XLSX, in date order with the running balance (audited)."""
    kube = group_selectors.kube_get(actor=request.user, pk=pk)
    require(request.user, EXPORT, kube.desa_id)
    entries = selectors.cash_entries(kube=kube).order_by("entry_date", "id")
    directions, categories = dict(CashDirection.choices), dict(CashCategory.choices)
    rows = (
        (
            e.entry_date,
            str(directions[e.direction]),
            str(categories[e.category]),
            e.description,
            e.amount if e.direction == CashDirection.IN else None,
            e.amount if e.direction == CashDirection.OUT else None,
            e.balance,
            e.reverses_id,
            e.pk,
            e.recorded_by.full_name if e.recorded_by else "",
        )
        for e in entries.iterator(chunk_size=500)
    )
    columns = [
        Column(_("Date"), 12),
        Column(_("In/out"), 8),
        Column(_("Category"), 16),
        Column(_("Description"), 36),
        Column(_("In (Rp)"), 14),
        Column(_("Out (Rp)"), 14),
        Column(_("Balance (Rp)"), 14),
        Column(_("Reverses entry no."), 10),
        Column(_("Entry no."), 10),
        Column(_("Recorded by"), 20),
    ]
    return table_export(
        actor=request.user,
        thing="kube.cashbook",
        object_type="kube.cashentry",
        filename_stem=f"buku-kas-{kube.pk}-{timezone.localdate():%Y-%m-%d}",
        columns=columns,
        rows=rows,
        filters={"kube": kube.pk, "name": kube.name},
        area_code=kube.desa_id,
        sheet_name="Buku kas",
        fmt=export_format(request),
        count=entries.count,
    )


urls = [
    path("<int:pk>/stimulan/", stimulus, name="stimulus"),
    path("<int:pk>/stimulan/tahap/", tranche_add, name="tranche-add"),
    path("<int:pk>/stimulan/berita-acara/", stimulus_print, name="stimulus-print"),
    path("<int:pk>/lpj/", lpj, name="lpj"),
    path("<int:pk>/lpj/ajukan/", lpj_submit, name="lpj-submit"),
    path("<int:pk>/lpj/putusan/", lpj_decide, name="lpj-decide"),
    path("<int:pk>/lpj/cetak/", lpj_print, name="lpj-print"),
    path("<int:pk>/lpj/baris/<int:line_pk>/hapus/", lpj_line_remove, name="lpj-line-remove"),
    path("<int:pk>/kas/", cashbook, name="cashbook"),
    path("<int:pk>/kas/bulanan/", cash_monthly, name="cash-monthly"),
    path("<int:pk>/kas/ekspor/", cash_export, name="cash-export"),
    path("<int:pk>/kas/<int:entry_pk>/koreksi/", cash_reverse, name="cash-reverse"),
]
