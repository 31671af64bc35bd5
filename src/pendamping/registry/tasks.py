"""Background work of the registry: an uploaded import runs in the task worker (`pendamping db_worker`)."""

from django_tasks import task

from .imports import import_run_execute
from .models import ImportRun, ImportStatus


@task()
def import_run_task(run_id: int) -> dict:
    """Run a queued import and return its totals (the run record holds them too)."""
    run = ImportRun.objects.select_related("actor").get(pk=run_id)
    if run.status != ImportStatus.QUEUED:  # a task delivered twice does not import twice
        return {"status": run.status}
    run = import_run_execute(run=run)
    return {
        "status": run.status,
        "read": run.rows_read,
        "created": run.rows_created,
        "updated": run.rows_updated,
        "unchanged": run.rows_unchanged,
        "rejected": run.rows_rejected,
    }
