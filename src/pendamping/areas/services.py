"""Every write to the area list."""

import csv
import time
from importlib.resources import files
from pathlib import Path

from django.db import transaction

from pendamping.core.audit import audit_record

from .models import Area
from .vocab import LEVEL_ORDER, AreaLevel, is_valid_code

# The four files shipped in the package, copied unchanged from idn-area-data (ODbL), with their parent column.
AREA_FILES = [
    (AreaLevel.PROVINSI, "provinces.csv", None),
    (AreaLevel.KABUPATEN, "regencies.csv", "province_code"),
    (AreaLevel.KECAMATAN, "districts.csv", "regency_code"),
    (AreaLevel.DESA, "villages.csv", "district_code"),
]
BATCH_SIZE = 2000


class AreaFileError(ValueError):
    """A file of the area list is missing a column or holds a row that cannot be taken."""


def default_source_dir() -> Path:
    return Path(str(files("pendamping.areas") / "data"))


def _rows(path: Path, parent_column: str | None, level: AreaLevel):
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        needed = {"code", "name"} | ({parent_column} if parent_column else set())
        missing = needed - set(reader.fieldnames or [])
        if missing:
            raise AreaFileError(f"{path.name}: kolom {', '.join(sorted(missing))} tidak ada")
        for line, row in enumerate(reader, start=2):
            code = (row["code"] or "").strip()
            name = (row["name"] or "").strip()
            parent = (row[parent_column] or "").strip() if parent_column else None
            if not is_valid_code(code) or AreaLevel.of_code(code) != level:
                raise AreaFileError(f"{path.name} baris {line}: kode {code!r} bukan kode {level.label}")
            if not name:
                raise AreaFileError(f"{path.name} baris {line}: nama kosong untuk kode {code}")
            if parent_column and code.rsplit(".", 1)[0] != parent:
                raise AreaFileError(f"{path.name} baris {line}: kode {code} tidak berada di bawah {parent}")
            yield Area(code=code, name=name, level=level, parent_id=parent)


@transaction.atomic
def areas_load(*, actor=None, source_dir: Path | None = None) -> dict[str, int]:
    """Load (or refresh) the whole area list. Idempotent: rows are inserted or updated by code, never duplicated.

    A bad file raises AreaFileError and changes nothing.
    """
    started = time.monotonic()
    source_dir = Path(source_dir or default_source_dir())
    counts: dict[str, int] = {}
    for level, filename, parent_column in AREA_FILES:
        path = source_dir / filename
        if not path.exists():
            raise AreaFileError(f"berkas {filename} tidak ditemukan di {source_dir}")
        batch: list[Area] = []
        counts[level.value] = 0
        for area in _rows(path, parent_column, level):
            batch.append(area)
            if len(batch) >= BATCH_SIZE:
                _upsert(batch)
                counts[level.value] += len(batch)
                batch = []
        _upsert(batch)
        counts[level.value] += len(batch)
    audit_record(
        actor=actor,
        action="areas.load",
        object_type="areas.area",
        changes={level.value: {"before": None, "after": counts[level.value]} for level in LEVEL_ORDER},
        reason=f"load-areas from {source_dir.name} in {time.monotonic() - started:.1f} s",
    )
    return counts


def _upsert(batch: list[Area]) -> None:
    if batch:
        Area.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["code"], update_fields=["name", "level", "parent"]
        )
