"""The import pages: upload, follow the run (htmx polling), see the totals and rejections, download the report."""

import csv
import hashlib
import io
import types

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from pendamping.core.models import AuditEvent
from pendamping.registry.imports import COLUMNS, import_upload_store
from pendamping.registry.models import ImportRun, Person
from tests.registry.test_import import NIK_ASEP, family, row, write_csv

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(tmp_path, rows, name="keluarga.csv"):
    return SimpleUploadedFile(name, write_csv(tmp_path, rows, name=name).read_bytes(), content_type="text/csv")


def test_an_upload_runs_in_the_background_and_the_run_page_shows_totals_and_rejections(
    settings, tmp_path, login, tksk_kabandungan, media
):
    settings.TASKS = IMMEDIATE
    client = login(tksk_kabandungan)
    assert client.get(reverse("registry:import-create")).status_code == 200
    rows = [*family(), row(nik="320219", nama="Salah NIK")]
    response = client.post(reverse("registry:import-create"), {"file": upload(tmp_path, rows)})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:import-detail", args=[run.pk])
    assert (run.status, run.source, run.actor, run.area_code) == ("done", "web", tksk_kabandungan, "32.02.19")
    assert run.file_name == "keluarga.csv" and "keluarga" not in run.stored_name
    assert not (media / "imports" / run.stored_name).exists()  # it held NIKs: gone once the run is done
    assert list((media / "imports").iterdir()) == []
    assert Person.objects.filter(nik=NIK_ASEP).exists()

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert run.file_sha256 in text and "nik_bukan_16_digit" in text and "Salah NIK" not in text
    assert [page.context["run"].rows_read, page.context["run"].rows_created, page.context["run"].rows_rejected] == [
        5,
        4,
        1,
    ]
    assert 'hx-trigger="every 2s"' not in text  # finished: nothing to poll

    report = client.get(reverse("registry:import-rejections", args=[run.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    assert "attachment" in report["Content-Disposition"]
    body = b"".join(report.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert lines[0] == ["baris", "kolom", "kode", "pesan", "jenis"]
    assert lines[1][:3] == ["6", "nik", "nik_bukan_16_digit"] and "320219" in lines[1][3]
    assert AuditEvent.objects.filter(action="registry.import_report", object_id=str(run.pk)).count() == 1


def test_a_running_import_shows_a_progress_bar_that_polls_every_two_seconds_until_done(
    settings, tmp_path, login, fasilitator_cipeuteuy
):
    settings.TASKS = DUMMY  # queued, not run
    client = login(fasilitator_cipeuteuy)
    response = client.post(reverse("registry:import-create"), {"file": upload(tmp_path, family())})
    run = ImportRun.objects.get()
    assert run.status == "queued"
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'hx-trigger="every 2s"' in page
    assert f'hx-get="{reverse("registry:import-detail", args=[run.pk])}"' in page

    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<section id="import-status"') and "<progress" in partial and "every 2s" in partial
    assert "<html" not in partial

    from pendamping.registry.tasks import import_run_task

    import_run_task.call(run.pk)  # the worker picks it up
    done = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in done and "<progress" not in done and ">4</dd>" in done


def test_a_dry_run_upload_writes_nothing(settings, tmp_path, login, tksk_kabandungan):
    settings.TASKS = IMMEDIATE
    client = login(tksk_kabandungan)
    client.post(reverse("registry:import-create"), {"file": upload(tmp_path, family()), "dry_run": "on"})
    run = ImportRun.objects.get()
    assert run.dry_run and run.status == "done" and run.rows_created == 4
    assert not Person.objects.exists()


def test_a_file_of_another_kind_is_refused_beside_the_field(settings, login, tksk_kabandungan):
    settings.TASKS = IMMEDIATE
    client = login(tksk_kabandungan)
    response = client.post(
        reverse("registry:import-create"), {"file": SimpleUploadedFile("data.xls", b"\xd0\xcf\x11\xe0")}
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not ImportRun.objects.exists()


def test_a_tksk_cannot_open_an_import_of_another_kecamatan(
    tmp_path, login, tksk_kabandungan, tksk_kalapanunggal, admin_sukabumi
):
    path = write_csv(tmp_path, family())
    with path.open("rb") as handle:
        run = import_upload_store(
            actor=tksk_kabandungan, uploaded_file=SimpleUploadedFile("k.csv", handle.read()), dry_run=True
        )
    client = login(tksk_kalapanunggal)
    assert client.get(reverse("registry:import-detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("registry:import-rejections", args=[run.pk])).status_code == 404
    assert run not in client.get(reverse("registry:import-list")).context["page"].object_list
    client = login(admin_sukabumi)  # the kabupaten covers the kecamatan
    assert client.get(reverse("registry:import-detail", args=[run.pk])).status_code == 200
    assert run in client.get(reverse("registry:import-list")).context["page"].object_list


def test_a_pengamat_cannot_import(login, pengamat_sukabumi):
    client = login(pengamat_sukabumi)
    assert client.get(reverse("registry:import-create")).status_code == 403
    assert client.get(reverse("registry:import-list")).status_code == 403


def test_the_list_of_imports_costs_the_same_queries_for_many_runs(
    tmp_path, login, tksk_kabandungan, django_assert_max_num_queries
):
    path = write_csv(tmp_path, family())
    for number in range(12):
        with path.open("rb") as handle:
            import_upload_store(
                actor=tksk_kabandungan, uploaded_file=SimpleUploadedFile(f"{number}.csv", handle.read())
            )
    client = login(tksk_kabandungan)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("registry:import-list"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 12


def test_the_uploaded_file_is_deleted_when_its_run_is_done_and_the_run_keeps_its_facts(
    settings, tmp_path, login, tksk_kabandungan, media
):
    settings.TASKS = DUMMY  # queued: the file waits for the worker
    client = login(tksk_kabandungan)
    content = write_csv(tmp_path, [*family(), row(nik="320219", nama="Salah NIK")], name="keluarga.csv").read_bytes()
    client.post(reverse("registry:import-create"), {"file": SimpleUploadedFile("keluarga.csv", content)})
    run = ImportRun.objects.get()
    stored = media / "imports" / run.stored_name
    assert run.stored_name and stored.read_bytes() == content

    from pendamping.registry.tasks import import_run_task

    import_run_task.call(run.pk)
    run.refresh_from_db()
    assert run.status == "done" and not stored.exists()
    assert (run.file_name, run.file_size, run.file_sha256) == (
        "keluarga.csv",
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    assert run.rejections.filter(code="nik_bukan_16_digit").exists()  # the report still works without the file
    report = client.get(reverse("registry:import-rejections", args=[run.pk]))
    assert "nik_bukan_16_digit" in b"".join(report.streaming_content).decode("utf-8-sig")


def test_a_failed_upload_run_also_deletes_its_file(settings, tmp_path, login, tksk_kabandungan, media):
    settings.TASKS = IMMEDIATE
    client = login(tksk_kabandungan)
    header = [c for c in COLUMNS if c != "nik"]  # refused: a required column is missing
    content = write_csv(tmp_path, family(), header=header).read_bytes()
    client.post(reverse("registry:import-create"), {"file": SimpleUploadedFile("tanpa-nik.csv", content)})
    run = ImportRun.objects.get()
    assert run.status == "failed" and "nik" in run.error
    assert run.stored_name and not (media / "imports" / run.stored_name).exists()
    assert run.file_sha256 == hashlib.sha256(content).hexdigest()


def test_a_run_that_breaks_in_the_middle_deletes_its_file_too(settings, tmp_path, tksk_kabandungan, media, monkeypatch):
    from pendamping.registry import imports

    def broken(self):
        raise OSError("disk penuh")

    monkeypatch.setattr(imports.Runner, "match", broken)
    with write_csv(tmp_path, family()).open("rb") as handle:
        run = import_upload_store(actor=tksk_kabandungan, uploaded_file=SimpleUploadedFile("k.csv", handle.read()))
    stored = media / "imports" / run.stored_name
    assert stored.exists()
    with pytest.raises(OSError, match="disk penuh"):
        imports.import_run_execute(run=run)
    run.refresh_from_db()
    assert run.status == "failed" and not stored.exists()


def test_an_upload_the_queue_refuses_is_failed_and_its_file_deleted(
    settings, tmp_path, login, tksk_kabandungan, media, monkeypatch
):
    from pendamping.registry import import_views

    def refuse(**kwargs):
        raise ConnectionError("antrean mati")

    monkeypatch.setattr(import_views, "import_run_task", types.SimpleNamespace(enqueue=refuse))
    client = login(tksk_kabandungan)
    client.post(reverse("registry:import-create"), {"file": upload(tmp_path, family())})
    run = ImportRun.objects.get()
    assert run.status == "failed" and not (media / "imports" / run.stored_name).exists()


def test_the_command_leaves_the_file_it_was_given(tmp_path, system):
    path = write_csv(tmp_path, family())
    call_command("import_registry", str(path), "--no-progress", stdout=io.StringIO())
    assert ImportRun.objects.get().status == "done" and path.exists()
