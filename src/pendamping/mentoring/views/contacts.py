"""Pages of mentoring contacts: the contact log (with filters), a contact's page and its photos, the form that records
a visit (quick on a phone, safe to send twice), the attendance of a group's sessions, the worker's follow-up tasks
and the groups left without a contact."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pendamping.accounts.permissions import can
from pendamping.core.errors import NotAllowed
from pendamping.core.exports import Column, audit_area, export_format, table_export
from pendamping.core.forms import add_service_errors
from pendamping.core.scoping import require, scope_codes
from pendamping.core.templatetags.pendamping import mask_id
from pendamping.kube.selectors.groups import kube_get
from pendamping.registry.selectors import household_get

from ..forms.contacts import (
    AttendanceFilterForm,
    ContactFilterForm,
    ContactForm,
    ContactRemoveForm,
    TaskForm,
    TaskStatusForm,
)
from ..selectors import contacts as selectors
from ..services import contacts as services
from ..vocab import Method, SocialWorkRole, TargetKind, TksRole

VIEW = selectors.VIEW
RECORD = selectors.RECORD
PAGE_SIZE = 25
ATTENDANCE_DEFAULT_DAYS = 180


def _contact_filters(request):
    form = ContactFilterForm(request.GET or None, actor=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.ContactFilter(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        area=data.get("area", ""),
        worker=data.get("worker"),
        kube=data.get("kube"),
        method=data.get("method", ""),
    )
    return form, filters


@require_GET
def contact_list(request):
    form, filters = _contact_filters(request)
    contacts = selectors.contacts_visible(actor=request.user, filters=filters)
    if form.errors:
        contacts = contacts.none()
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentoring/contact_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_record": can(request.user, RECORD),
            "can_export": can(request.user, EXPORT),
        },
    )


EXPORT = "mentoring.export"


@require_GET
def contact_export(request):
    """The contacts of the list (same filters, NIK and No. KK masked as shown), as XLSX or CSV (audited)."""
    require(request.user, EXPORT)
    form, filters = _contact_filters(request)
    contacts = selectors.contacts_visible(actor=request.user, filters=filters, capability=EXPORT)
    if form.errors:
        contacts = contacts.none()
    rows = (
        (
            c.contact_date,
            c.get_target_kind_display(),
            c.kube.name if c.kube else "",
            mask_id(c.household.no_kk) if c.household else "",
            c.person.name if c.person else "",
            mask_id(c.person.nik) if c.person else "",
            c.desa_id,
            c.desa.name,
            c.get_method_display(),
            c.present_count,
            " ".join(("TKS " if r.scheme == "tks" else "") + r.code for r in c.roles.all()),
            c.worker.full_name or c.worker.username,
        )
        for c in contacts.iterator(chunk_size=500)
    )
    return table_export(
        actor=request.user,
        thing="contact",
        object_type="mentoring.contact",
        filename_stem=f"kontak-pendampingan-{timezone.localdate():%Y-%m-%d}",
        columns=[
            Column(_("Date"), 12),
            Column(_("With"), 12),
            Column(_("Group name"), 28),
            Column(_("No. KK"), 18),
            Column(_("Name"), 24),
            Column(_("NIK"), 18),
            Column(_("Desa code")),
            Column(_("Desa"), 18),
            Column(_("Method"), 14),
            Column(_("Present"), 8),
            Column(_("Roles"), 20),
            Column(_("Worker"), 20),
        ],
        rows=rows,
        filters=vars(filters),
        area_code=audit_area(scope_codes(request.user, EXPORT), filters.area),
        sheet_name="Kontak",
        fmt=export_format(request),
        count=contacts.count,
    )


def _initial(request) -> dict:
    """The form's starting values: today, and the target named in the link (?kube=, ?household=)."""
    initial = {"contact_date": timezone.localdate()}
    kube_pk = request.GET.get("kube", "")
    household_pk = request.GET.get("household", "")
    if kube_pk.isdigit():
        initial.update(target_kind=TargetKind.KUBE, kube=int(kube_pk), method=Method.GROUPWORK)
    elif household_pk.isdigit():
        household = household_get(actor=request.user, pk=int(household_pk))
        initial.update(target_kind=TargetKind.HOUSEHOLD, number=household.no_kk, method=Method.CASEWORK)
    return initial


@never_cache
@require_http_methods(["GET", "POST"])
def contact_create(request):
    require(request.user, RECORD)
    form = ContactForm(
        request.POST or None,
        request.FILES or None,
        actor=request.user,
        members_url=reverse("mentoring:contact-members"),
        initial=_initial(request) if request.method == "GET" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_record(actor=request.user, **form.values())
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                for name in ("household", "person"):
                    for item in error.error_dict.get(name, []):
                        form.add_error("number", item.messages)
        else:
            messages.success(request, _("The contact was recorded."))
            return redirect("mentoring:contact-detail", pk=contact.pk)
    return render(request, "mentoring/contact_form.html", {"form": form})


@require_GET
def contact_members(request):
    """The attendance checkboxes of a KUBE's active members (loaded by htmx when a KUBE is chosen in the form)."""
    require(request.user, RECORD)
    form = ContactForm(None, actor=request.user, initial={"kube": request.GET.get("kube")})
    return render(request, "mentoring/partials/_attendance.html", {"form": form})


@require_GET
def contact_detail(request, pk: int):
    contact = selectors.contact_get(actor=request.user, pk=pk)
    zastrow, tks = selectors.roles_split(contact)
    zastrow_labels, tks_labels = dict(SocialWorkRole.choices), dict(TksRole.choices)
    today = timezone.localdate()
    return render(
        request,
        "mentoring/contact_detail.html",
        {
            "contact": contact,
            "zastrow": [(code, zastrow_labels.get(code, code)) for code in zastrow],
            "tks": [(code, tks_labels.get(code, code)) for code in tks],
            "tasks": [(task, selectors.task_state(task, today)) for task in contact.tasks.all()],
            "can_record": can(request.user, RECORD, contact.desa_id),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def contact_remove(request, pk: int):
    """Remove a contact recorded by mistake, with the reason: it leaves the lists, the flags and the analytics; the
    audit log keeps it."""
    contact = selectors.contact_get(actor=request.user, pk=pk)
    require(request.user, RECORD, contact.desa_id)
    form = ContactRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_delete(actor=request.user, contact=contact, reason=form.cleaned_data["reason"])
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact was removed from the lists; the audit log keeps it."))
            return redirect("mentoring:contact-list")
    return render(request, "mentoring/contact_remove.html", {"form": form, "contact": contact})


@require_GET
def contact_photo(request, pk: int, photo_pk: int):
    """A photo of a contact, only for those who see the contact; never run by the browser."""
    contact = selectors.contact_get(actor=request.user, pk=pk)
    photo = selectors.contact_photo_get(contact=contact, pk=photo_pk)
    response = FileResponse(
        photo.file.open("rb"),
        content_type=photo.content_type,
        as_attachment=not photo.content_type.startswith("image/"),
        filename=photo.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def attendance_kube(request, kube_pk: int):
    """The attendance rate of each member and of the group over a period, members below the threshold flagged."""
    kube = kube_get(actor=request.user, pk=kube_pk, capability=VIEW)
    today = timezone.localdate()
    initial = {"date_from": today - datetime.timedelta(days=ATTENDANCE_DEFAULT_DAYS), "date_to": today}
    form = AttendanceFilterForm(request.GET or None, initial=initial)
    period = form.cleaned_data if form.is_bound and form.is_valid() else initial
    if not form.is_bound:
        form = AttendanceFilterForm(initial)
        form.is_valid()
    rates = selectors.attendance_rates(kube=kube, date_from=period["date_from"], date_to=period["date_to"])
    return render(request, "mentoring/attendance_kube.html", {"kube": kube, "form": form, "rates": rates})


@require_GET
def task_list(request):
    today = timezone.localdate()
    return render(
        request,
        "mentoring/task_list.html",
        {
            "tasks": selectors.my_tasks(actor=request.user, today=today),
            "today": today,
            "can_record": can(request.user, RECORD),
        },
    )


@require_POST
def task_status(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            services.task_set_status(actor=request.user, task=task, **form.cleaned_data)
        except (ValidationError, NotAllowed) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The task was updated."))
    else:
        messages.error(request, _("Choose open, done or cancelled."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("mentoring:task-list")
    return redirect(target)


@never_cache
@require_http_methods(["GET", "POST"])
def task_create(request):
    require(request.user, RECORD)
    initial = {"due_on": timezone.localdate() + datetime.timedelta(days=7)}
    if request.GET.get("kube", "").isdigit():
        initial["kube"] = int(request.GET["kube"])
    form = TaskForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_add(actor=request.user, **form.values())
        except (ValidationError, NotAllowed) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The task was added."))
            return redirect("mentoring:task-list")
    return render(request, "mentoring/task_form.html", {"form": form})


@require_GET
def kube_no_contact(request):
    """The groups of the user's areas with no contact for longer than MENTORING_NO_CONTACT_DAYS days."""
    today = timezone.localdate()
    groups = selectors.kube_without_contact(actor=request.user, today=today)
    page = Paginator(groups, 50).get_page(request.GET.get("page"))
    for group in page:
        group.days_alone = (today - (group.last_contact or group.formed_on)).days
    return render(
        request,
        "mentoring/kube_no_contact.html",
        {"page": page, "days": selectors.no_contact_days(), "query": ""},
    )


urls = [
    path("", contact_list, name="contact-list"),
    path("unduh/", contact_export, name="contact-export"),
    path("catat/", contact_create, name="contact-create"),
    path("catat/anggota/", contact_members, name="contact-members"),
    path("<int:pk>/", contact_detail, name="contact-detail"),
    path("<int:pk>/hapus/", contact_remove, name="contact-remove"),
    path("<int:pk>/foto/<int:photo_pk>/", contact_photo, name="contact-photo"),
    path("kehadiran/<int:kube_pk>/", attendance_kube, name="attendance-kube"),
    path("tugas/", task_list, name="task-list"),
    path("tugas/baru/", task_create, name="task-create"),
    path("tugas/<int:pk>/status/", task_status, name="task-status"),
    path("tanpa-kunjungan/", kube_no_contact, name="kube-no-contact"),
]
