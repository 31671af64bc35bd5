"""Pages of the registry import: upload a file, follow its run (htmx polling), list past runs, download rejections.

Every read goes through the scoped selectors of imports.py (a run outside the user's areas is a 404); the write is
`import_upload_store` and the background task `import_run_task`.
"""

import csv
import datetime
import logging
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from pendamping.core.errors import NotAllowed
from pendamping.core.htmx import template_for
from pendamping.core.scoping import user_covers

from .imports import (
    CAPABILITY,
    COLUMNS,
    IMPORT_CODES,
    REQUIRED,
    UPLOAD_SUFFIXES,
    import_rejection_summary,
    import_rejections_of,
    import_report_record,
    import_run_get,
    import_runs_visible,
    import_upload_discard,
    import_upload_store,
    policy,
    rejection_report_rows,
)
from .models import ImportStatus
from .tasks import import_run_task

logger = logging.getLogger(__name__)
REJECTIONS_PAGE_SIZE = 50


def _require_importer(user) -> None:
    if not user_covers(user, None, CAPABILITY):
        raise NotAllowed(CAPABILITY)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        help_text=gettext_lazy("CSV separated by ; or , (UTF-8 or Windows-1252), or the first sheet of an XLSX file."),
    )
    dry_run = forms.BooleanField(
        required=False, label=gettext_lazy("Dry run: check the file and report, write nothing")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise ValidationError(
                _("Upload a .csv or .xlsx file (an old .xls workbook can be saved as .xlsx first)."), code="format"
            )
        limit = int(policy("IMPORT_MAX_MB", 500))
        if upload.size > limit * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit}, code="size")
        return upload


@require_http_methods(["GET", "POST"])
def import_create(request):
    _require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_upload_store(
                actor=request.user, uploaded_file=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except NotAllowed as error:
            form.add_error(None, str(error))
        else:
            try:
                import_run_task.enqueue(run_id=run.pk)
            except Exception:  # the queue is down: say so on the run rather than lose the upload silently
                logger.exception("could not enqueue import run %s", run.pk)
                run.status, run.finished_at = ImportStatus.FAILED, timezone.now()
                run.error = _("The background queue could not take this import. Try again later.")
                run.save(update_fields=["status", "finished_at", "error"])
                import_upload_discard(run)
            return redirect("registry:import-detail", pk=run.pk)
    return render(
        request,
        "registry/import_create.html",
        {"form": form, "columns": [(column, column in REQUIRED) for column in COLUMNS]},
    )


def _stale(run) -> bool:
    """A run that has shown no sign of life for a long time (the worker died or is not running)."""
    if run.is_finished:
        return False
    last = run.heartbeat_at or run.started_at or run.created_at
    minutes = int(policy("IMPORT_STALE_MINUTES", 15))
    return last < timezone.now() - datetime.timedelta(minutes=minutes)


@require_GET
def import_detail(request, pk: int):
    run = import_run_get(actor=request.user, pk=pk)
    context = {"run": run, "stale": _stale(run), "codes": IMPORT_CODES}
    if run.is_finished:
        rejections = import_rejections_of(run=run)
        context["page"] = Paginator(rejections, REJECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
        context["summary"] = import_rejection_summary(run=run)
        context["warnings"] = import_rejections_of(run=run, warnings=True)[:REJECTIONS_PAGE_SIZE]
    template = template_for(request, "registry/import_detail.html", "registry/partials/_import_status.html")
    return render(request, template, context)


@require_GET
def import_list(request):
    _require_importer(request.user)
    runs = import_runs_visible(actor=request.user)
    page = Paginator(runs, settings.PENDAMPING["LIST_PAGE_SIZE"]).get_page(request.GET.get("page"))
    return render(request, "registry/import_list.html", {"page": page})


class _Echo:
    def write(self, value):
        return value


@require_GET
def import_rejections(request, pk: int):
    """The rejection report as CSV (; separated, UTF-8 with BOM so that spreadsheets read it right). Recorded."""
    run = import_run_get(actor=request.user, pk=pk)
    import_report_record(actor=request.user, run=run)
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        for row in rejection_report_rows(run):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="impor-{run.pk}-ditolak.csv"'
    return response
