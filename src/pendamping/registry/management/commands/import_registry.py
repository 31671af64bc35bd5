import csv
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pendamping.core.errors import NotAllowed
from pendamping.core.system import system_actor
from pendamping.registry.imports import import_run_create, import_run_execute, rejection_report_rows
from pendamping.registry.models import ImportPhase, ImportStatus


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class ProgressBar:
    """A text bar on stderr with rows per second, redrawn at most every half second."""

    PHASES = {
        ImportPhase.CHECKING: "memeriksa",
        ImportPhase.MATCHING: "mencocokkan",
        ImportPhase.WRITING: "menulis",
        ImportPhase.FINISHED: "selesai",
    }

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, run, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.5:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        total = run.rows_expected
        done = run.rows_read
        if total:
            filled = min(self.width, done * self.width // max(total, 1))
            bar = "#" * filled + "." * (self.width - filled)
            count = f"{number(done)}/{number(total)}"
        else:
            bar = "?" * self.width
            count = number(done)
        phase = self.PHASES.get(run.phase, run.phase)
        line = f"\r[{bar}] {count} baris · {number(int(done / elapsed))} baris/detik · {phase} "
        self._write(line)
        self.drawn = True

    def _write(self, text: str) -> None:
        if hasattr(self.stream, "style_func"):  # Django's OutputWrapper adds a newline unless told otherwise
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()

    def close(self, run) -> None:
        self(run, force=True)
        if self.drawn:
            self._write("\n")


class Command(BaseCommand):
    help = (
        "Import households and people from a CSV (';' or ',', UTF-8 or Windows-1252) or XLSX file with the canonical "
        "registry columns. Every row is created, updated, unchanged or rejected; a failure changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument(
            "--user",
            help="import as this user (limited to their areas); default: the system account (everything)",
        )
        parser.add_argument(
            "--report",
            help="write the rejection report to this CSV file (';' separated, UTF-8 with BOM; columns baris;kolom;"
            "kode;pesan;jenis, where jenis is ditolak or peringatan)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, file, dry_run=False, user=None, report=None, no_progress=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas {file} tidak ditemukan.")
        if user:
            try:
                actor = get_user_model().objects.get(username=user, is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Pengguna {user} tidak ditemukan atau tidak aktif.") from None
        else:
            actor = system_actor()
        try:
            run = import_run_create(actor=actor, path=path, file_name=path.name, dry_run=dry_run, source="command")
        except NotAllowed as error:
            raise CommandError(str(error)) from None
        bar = None if no_progress else ProgressBar(self.stderr)
        started = time.monotonic()
        try:
            run = import_run_execute(run=run, path=path, progress=bar)
        finally:
            if bar:
                bar.close(run)
        seconds = time.monotonic() - started
        for message in run.messages:
            self.stdout.write(message)
        if run.status == ImportStatus.FAILED:
            raise CommandError(f"Impor #{run.pk} gagal, tidak ada data yang berubah: {run.error}")
        if report:
            with open(report, "w", newline="", encoding="utf-8-sig") as handle:
                csv.writer(handle, delimiter=";").writerows(rejection_report_rows(run))
        rejected = run.rejections.filter(warning=False).order_by("row", "id")
        for rejection in rejected[:20]:
            self.stdout.write(
                f"  baris {rejection.row} [{rejection.column or '-'}] {rejection.code}: {rejection.message}"
            )
        if run.rows_rejected and rejected.count() > 20:
            self.stdout.write(f"  … dan lainnya: laporan lengkap dengan --report FILE atau di halaman impor #{run.pk}.")
        rate = run.rows_read / seconds if seconds else 0
        self.stdout.write(
            ("Uji coba (tidak ada yang ditulis): " if run.dry_run else "")
            + f"Impor #{run.pk}: {number(run.rows_read)} baris dibaca = {number(run.rows_created)} baru + "
            f"{number(run.rows_updated)} diperbarui + {number(run.rows_unchanged)} tidak berubah + "
            f"{number(run.rows_rejected)} ditolak; keluarga: {number(run.households_created)} baru, "
            f"{number(run.households_updated)} diperbarui ({seconds:.1f} detik, {number(int(rate))} baris/detik)."
        )
