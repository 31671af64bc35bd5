"""Bench of the targeting screening (issue 4, Scale). Results go to the "Targeting screening" section of RESULTS.md.

    BENCH_ROWS=1000000 python bench/targeting_screen.py     (BENCH_ROWS defaults to 1,000,000)
    BENCH_CSV=/tmp/registri.csv ...                         (reuse a file of bench/registry_generate.py of that size;
                                                             default /tmp/pendamping-bench/registri-<ROWS>.csv, made
                                                             when missing and kept for the next run)
    BENCH_SCREEN_TIMEOUT=600 ...                            (stop the screening after this many seconds)
    BENCH_EXPLAIN=1 ...                                     (also EXPLAIN ANALYZE the INSERT ... SELECT, rolled back,
                                                             plan saved next to the CSV)
    BENCH_DB=pendamping_tbench ...                          (the PostgreSQL database used, made and dropped here)
    BENCH_KEEP_DB=1 ...                                     (keep the database afterwards, and reuse an imported one:
                                                             migrate, empty the targeting tables, skip the import)

1. Generate (or reuse) BENCH_ROWS people of Kabupaten Sukabumi (bench/registry_generate.py).
2. A fresh PostgreSQL database BENCH_DB on 127.0.0.1:5432 (made and dropped here): migrate, load-areas,
   `pendamping import-registry FILE --no-progress` (as bench/registry_import.py does; not timed here). With
   BENCH_KEEP_DB=1 a database that already holds the people is reused (migrated, its targeting tables emptied).
3. An active rule set for Kabupaten Sukabumi (32.02) made through the targeting services with the domain's defaults,
   as targeting/demo.py does, under the system account.
4. In a child process: every person of the kabupaten (all 386 desa) screened in ONE set-based run, i.e. the
   screening of targeting.services (the one `screening_desa` and `screening_people` use: one
   INSERT ... SELECT of engine.screening_sql, the counts, one audit event) given the whole kabupaten as its set
   of people, after the same checks those services make (permission targeting.screen, rule set covers the area).
   Seconds of the screening call alone and of the whole child, people/s, peak memory (ru_maxrss of the child from
   os.wait4) and the counts per decision.

Target: all 1,000,000 people in under 60 seconds. Reported as met or not met.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

from registry_generate import generate  # noqa: E402

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
DB_NAME = os.environ.get("BENCH_DB", "pendamping_tbench")
KEEP_DB = os.environ.get("BENCH_KEEP_DB") == "1"
PG_BENCH = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
SECTION = "## Targeting screening"
KABUPATEN = "32.02"
TARGET_S = 60

RULE_SET = r"""
import datetime, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pendamping.settings")
import django; django.setup()
from pendamping.core.system import system_actor
from pendamping.targeting import services
from pendamping.targeting.vocab import FundingSource
actor = system_actor()
rule_set = services.rule_set_create(actor=actor, area_code="32.02", budget_year=2026, funding_source=FundingSource.APBD,
                                    name="Seleksi calon anggota KUBE APBD 2026 (bench)", reason="bench")
rule_set = services.rule_set_activate(actor=actor, rule_set=rule_set, reason="bench")
print(json.dumps({"rule_set": rule_set.pk, "status": rule_set.status}))
"""

SCREEN = r"""
import datetime, json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pendamping.settings")
import django; django.setup()
from django.db import connection, transaction
from pendamping.core.scoping import require
from pendamping.core.system import system_actor
from pendamping.registry.models import Person
from pendamping.targeting import engine, services
from pendamping.targeting.models import RuleSet
KABUPATEN, RULE_SET, EXPLAIN_TO = sys.argv[1], int(sys.argv[2]), sys.argv[3]
REFERENCE = datetime.date(2026, 1, 2)
actor = system_actor()
rule_set = RuleSet.objects.get(pk=RULE_SET)
people = Person.objects.filter(household__desa__parent__parent_id=KABUPATEN)
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")  # connected before the clock starts
started = time.perf_counter()
with transaction.atomic():
    # the checks of services.screening_desa / screening_people, for the kabupaten, then their screening
    require(actor, services.SCREEN, KABUPATEN)
    services._check_rule_set_covers(rule_set, KABUPATEN)
    run = services._screen(actor=actor, rule_set=rule_set, people=people, area_code=KABUPATEN,
                           reference_date=REFERENCE, reason="bench")
seconds = time.perf_counter() - started
print(json.dumps({"screen_s": seconds, "people": run.people, "counts": run.counts, "run": run.pk}), flush=True)
if EXPLAIN_TO:
    from django.utils import timezone
    sql, params, names = engine.screening_sql(rule_set, people, reference_date=REFERENCE,
                                              screened_at=timezone.now(), run_id=run.pk)
    names = ", ".join(connection.ops.quote_name(name) for name in names)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) INSERT INTO targeting_screeningresult ({names}) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    with open(EXPLAIN_TO, "w") as handle:
        handle.write(f"{sql}\n\nparams: {params!r}\n\n{plan}\n")
"""


class TimedOut(Exception):
    pass


def run_child(args: list[str], env: dict, timeout: float | None = None) -> dict:
    """Run a child process; its wall time, peak memory (from wait4, this child alone) and output. On timeout the
    child is killed, its queries in the bench database are cancelled, and TimedOut is raised."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - started > timeout:
                process.send_signal(signal.SIGKILL)
                os.wait4(process.pid, 0)
                pg_admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DB_NAME}'")
                raise TimedOut(f"stopped after {timeout:.0f} s")
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{stdout}\n{stderr[-3000:]}")
    return {
        "seconds": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "max_rss_mb": usage.ru_maxrss / 1024,
        "stdout": stdout,
    }


def pendamping(*args: str, env: dict) -> dict:
    return run_child([str(BIN / "pendamping"), *args], env)


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def csv_for(rows: int) -> tuple[Path, dict | None]:
    """The bench CSV of `rows` people: BENCH_CSV, or the kept file of an earlier run, or a new one."""
    path = Path(os.environ.get("BENCH_CSV") or f"{tempfile.gettempdir()}/pendamping-bench/registri-{rows}.csv")
    if path.exists() and path.stat().st_size:
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    started = time.perf_counter()
    info = generate(partial, rows)
    partial.rename(path)
    return path, {**info, "generate_s": time.perf_counter() - started}


def bench(rows: int) -> dict:
    timeout = float(os.environ.get("BENCH_SCREEN_TIMEOUT", "600"))
    results: dict = {"rows": rows, "timeout_s": timeout}
    path, generated = csv_for(rows)
    results["csv"] = {"path": str(path), "bytes": path.stat().st_size, "generated": generated}
    explain_to = str(path.with_suffix(".explain.txt")) if os.environ.get("BENCH_EXPLAIN") == "1" else ""
    base = {**os.environ, "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "ERROR"}
    reuse = KEEP_DB and people_in(PG_BENCH) >= rows
    if not reuse:
        pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME}")
        pg_admin(f"CREATE DATABASE {DB_NAME}")
    try:
        with tempfile.TemporaryDirectory() as var_dir:
            env = {**base, "VAR_DIR": var_dir, "DATABASE_URL": PG_BENCH}
            pendamping("migrate", "--verbosity", "0", env=env)
            if reuse:
                empty_targeting(PG_BENCH)
                results["import_s"] = None
            else:
                pendamping("load-areas", env=env)
                imported = pendamping("import-registry", str(path), "--no-progress", env=env)
                results["import_s"] = imported["seconds"]
            results["rule_set"] = last_json(run_child([sys.executable, "-c", RULE_SET], env)["stdout"])
            analyze(PG_BENCH)
            results["load_before"] = os.getloadavg()[0]
            args = [sys.executable, "-c", SCREEN, KABUPATEN, str(results["rule_set"]["rule_set"]), explain_to]
            try:
                child = run_child(args, env, timeout=timeout if not explain_to else None)
            except TimedOut as stopped:
                results["timed_out"] = str(stopped)
            else:
                results["screen"] = {**child, **json.loads(child["stdout"].strip().splitlines()[0])}
                if explain_to:
                    results["explain"] = explain_to
            results["load_after"] = os.getloadavg()[0]
    finally:
        if not KEEP_DB:
            pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME}")
    return results


def people_in(url: str) -> int:
    """How many people an existing bench database holds (0 when there is no such database)."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute("SELECT count(*) FROM registry_person").fetchone()[0]
    except psycopg.Error:
        return 0


def empty_targeting(url: str) -> None:
    """A reused database starts the screening as a fresh one would: no rule sets, runs or results."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE targeting_screeningresult, targeting_screeningrun, targeting_ruleset CASCADE")


def analyze(url: str) -> None:
    """Fresh planner statistics after the import, as autovacuum would give a database in use."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def section(results: dict) -> tuple[list[str], bool]:
    rows = results["rows"]
    screen = results.get("screen")
    generated = results["csv"]["generated"]
    made = f"generated in {generated['generate_s']:.0f} s" if generated else "reused from an earlier run"
    imported = (
        f"import {results['import_s']:.0f} s"
        if results["import_s"] is not None
        else "imported by an earlier run into the kept database, its targeting tables emptied"
    )
    lines = [
        SECTION,
        "",
        f"Measured by `bench/targeting_screen.py` on {time.strftime('%Y-%m-%d')} ({os.cpu_count()} cores), "
        f"PostgreSQL, {rows:,} people of Kabupaten Sukabumi imported with `pendamping import-registry` "
        f"({results['csv']['bytes'] / 1e6:.0f} MB CSV of bench/registry_generate.py, {made}; {imported}, "
        "then VACUUM ANALYZE). One active rule set (the domain's defaults) for "
        f"{KABUPATEN}, made through the targeting services. The whole kabupaten (386 desa) is screened in one "
        "set-based run (one INSERT ... SELECT of engine.screening_sql, the counts, one audit event) by the "
        "screening of targeting.services, as the system account, in a child process. Screening seconds are the "
        "service call alone; the child's seconds include Django start-up; peak memory is the child's ru_maxrss. "
        f"Load average (1 min) before and after: {results['load_before']:.1f} and {results['load_after']:.1f}.",
        "",
    ]
    if screen is None:
        lines += [
            f"- screening of {rows:,} people: **not finished**, {results['timed_out']} (the bench's limit)",
            "",
            f"- all people screened in under {TARGET_S} s: **NOT met**",
            "",
        ]
        return lines, False
    rate = screen["people"] / screen["screen_s"]
    counts = screen["counts"]
    met = screen["screen_s"] < TARGET_S and screen["people"] == rows
    lines += [
        "| run | people | screening seconds | people/s | child seconds | child CPU s | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| whole kabupaten, one run | {screen['people']:,} | **{screen['screen_s']:.1f}** | {rate:,.0f} | "
        f"{screen['seconds']:.1f} | {screen['cpu_s']:.1f} | {screen['max_rss_mb']:.0f} MB |",
        "",
        "Decisions: "
        + ", ".join(f"{name} {counts.get(name, 0):,}" for name in ("eligible", "not_eligible", "needs_verification"))
        + ".",
        "",
        f"- all {rows:,} people screened in under {TARGET_S} s: {'met' if met else '**NOT met**'}",
        "",
    ]
    if rows != 1_000_000:
        lines.insert(-1, "- measured at fewer than the 1,000,000 people of the target (BENCH_ROWS)")
    return lines, met


def write_section(lines: list[str]) -> None:
    """Replace (or add) this bench's section of RESULTS.md, keeping the others."""
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    body = "\n".join(lines).rstrip() + "\n\n"
    text = pattern.sub(body, text) if pattern.search(text) else text.rstrip() + "\n\n" + body
    results.write_text(text.rstrip() + "\n")


def run() -> tuple[list[str], bool]:
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    return section(bench(rows))


def main() -> int:
    lines, ok = run()
    write_section(lines)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
