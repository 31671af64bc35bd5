"""A large import on PostgreSQL as a bulk load (imports.BulkLoad): the same outcome, every index and constraint back as
it was, and a failure anywhere leaves the data and the schema as they were.

The thresholds are lowered to a few rows here. These tests commit for real (transactional_db): the import's write
transaction must be the outermost one for a bulk load, as it is when the command or the background task runs it.
"""

import pytest
from django.db import connection

from pendamping.registry import imports
from pendamping.registry.models import Household, ImportRun, KkHistory, Person
from tests.registry.test_import import family, registry_state, rejections, row, run_import, write_csv

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a bulk load is PostgreSQL's")

TABLES = [Household._meta.db_table, KkHistory._meta.db_table, Person._meta.db_table]
BULK = "Impor besar"


@pytest.fixture
def bulk(settings, transactional_db, areas):
    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_BULK_MIN_ROWS": 1, "IMPORT_BULK_MIN_SHARE": 0.5}


def schema() -> list[tuple]:
    """Every index and constraint of the written tables, by name, with its definition and whether it is valid."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'index', indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisvalid FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) UNION ALL "
            "SELECT 'constraint', conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [TABLES, TABLES],
        )
        return cursor.fetchall()


def test_a_bulk_load_gives_the_same_outcome_and_puts_every_index_and_constraint_back(tmp_path, bulk, system):
    before = schema()
    assert any(name == "registry_person_nik_unique" for _kind, name, _def, _valid in before)
    rows = [*family(), row(nik="123")]
    run = run_import(write_csv(tmp_path, rows), system, writer="sql")
    assert run.status == "done", run.error
    assert any(message.startswith(BULK) for message in run.messages)
    assert (run.rows_read, run.rows_created, run.rows_rejected, run.households_created) == (5, 4, 1, 2)
    assert rejections(run) == [(6, "nik", "nik_bukan_16_digit")]
    assert schema() == before
    assert sorted(Person.objects.values_list("nik", "household__no_kk")) == sorted(
        (values["nik"], values["no_kk"]) for values in family()
    )
    assert KkHistory.objects.count() == 2
    # the same file again: nothing new, so no bulk load; all unchanged
    again = run_import(write_csv(tmp_path, rows, name="lagi.csv"), system, writer="sql")
    assert (again.rows_unchanged, again.rows_created) == (4, 0)
    assert not any(message.startswith(BULK) for message in again.messages)


def test_a_few_new_people_in_a_larger_registry_are_written_with_the_indexes_kept(tmp_path, bulk, system, settings):
    run_import(write_csv(tmp_path, family()[:3], name="awal.csv"), system, writer="sql")
    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_BULK_MIN_SHARE": 1}
    run = run_import(write_csv(tmp_path, family()), system, writer="sql")  # 1 new person, 3 registered
    assert run.rows_created == 1
    assert not any(message.startswith(BULK) for message in run.messages)


def test_a_failure_during_a_bulk_load_leaves_the_data_and_the_schema_as_they_were(tmp_path, bulk, system, monkeypatch):
    run_import(write_csv(tmp_path, family()[3:], name="awal.csv"), system, writer="sql")
    before, state = schema(), registry_state()

    def broken(self):
        raise RuntimeError("koneksi putus")

    monkeypatch.setattr(imports.SqlWriter, "update_people", broken)  # indexes dropped, people written
    with pytest.raises(RuntimeError):
        run_import(write_csv(tmp_path, family()), system, writer="sql")
    assert ImportRun.objects.latest("id").status == "failed"
    assert (schema(), registry_state()) == (before, state)


def test_a_duplicate_nik_that_got_in_fails_the_rebuilt_unique_constraint_and_the_import(
    tmp_path, bulk, system, monkeypatch
):
    before = schema()
    original = imports.SqlWriter.insert_people

    def twice(self):
        original(self)
        duplicate = Person.objects.order_by("id").first()
        duplicate.pk = None
        Person.objects.bulk_create([duplicate])  # what a bug in matching would do: no unique index refuses it now

    monkeypatch.setattr(imports.SqlWriter, "insert_people", twice)
    with pytest.raises(Exception, match="registry_person_nik_unique"):
        run_import(write_csv(tmp_path, family()), system, writer="sql")
    assert ImportRun.objects.get().status == "failed"
    assert not Person.objects.exists() and not Household.objects.exists()
    assert schema() == before


def test_when_the_tables_are_busy_the_import_writes_with_the_indexes_kept(tmp_path, bulk, system, settings):
    import psycopg

    settings.PENDAMPING = {**settings.PENDAMPING, "IMPORT_BULK_LOCK_SECONDS": 0.2}
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute(f"LOCK TABLE {Person._meta.db_table} IN ROW EXCLUSIVE MODE")  # someone writing
        run = run_import(write_csv(tmp_path, family()), system, writer="sql")
        other.rollback()
    assert run.status == "done" and run.rows_created == 4
    assert not any(message.startswith(BULK) for message in run.messages)
