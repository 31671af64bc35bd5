"""Bench of the registry import (issue 3, Scale). Results go to the "Registry import" section of bench/RESULTS.md.

    BENCH_ROWS=1000000 python bench/registry_import.py      (BENCH_ROWS defaults to 1,000,000)
    BENCH_SQLITE=0 BENCH_REIMPORT=0 ...                     (skip the SQLite import, the second import)
    BENCH_SQLITE_ROWS=200000 ...                            (SQLite on a smaller file of the same generator)
    BENCH_PG_DB=pendamping_bench ...                        (the PostgreSQL database made and dropped here)
    BENCH_CSV=/path/file.csv ...                            (the file; default /tmp/pendamping-bench/registri-<ROWS>.csv)

1. Generate BENCH_ROWS people of Kabupaten Sukabumi in the canonical CSV (bench/registry_generate.py), or take the
   file an earlier run kept (the generator is seeded: the same rows give the same file; bench/targeting_screen.py
   keeps it in the same place).
2. PostgreSQL (database BENCH_PG_DB, default pendamping_bench, on 127.0.0.1:5432, made and dropped here): migrate, load the areas, then
   `pendamping import-registry` as a subprocess (full validation): rows/s and peak memory (ru_maxrss of that child,
   from os.wait4, i.e. getrusage(RUSAGE_CHILDREN) of that one child); a second import of the same file (all rows
   unchanged); in the same run the rows/s of PostgreSQL's plain COPY of the same file into an unindexed table of
   text columns, and the ratio; then the NIK search time through the ORM (200 random NIKs, p50/p95).
3. SQLite (a temporary VAR_DIR): the same import, rows/s and peak memory.

Targets: >= 50,000 rows/s on PostgreSQL with full validation, >= 1/3 of plain COPY, peak memory < 500 MB,
NIK search < 50 ms. Reported as met or not met; nothing is rounded in our favour.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

from registry_generate import HEADER, generate  # noqa: E402

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = os.environ.get("BENCH_PG_DB", "pendamping_bench")  # made and dropped by this bench
PG_BENCH = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
SECTION = "## Registry import"

NIK_SEARCH = r"""
import json, os, random, statistics, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pendamping.settings")
import django; django.setup()
from django.db import connection
from pendamping.registry.models import Person
with connection.cursor() as cursor:
    cursor.execute("SELECT nik FROM registry_person ORDER BY random() LIMIT 200")
    niks = [row[0] for row in cursor.fetchall()]
Person.objects.filter(nik=niks[0]).first()  # connect and warm up
times = []
for nik in niks:
    started = time.perf_counter()
    person = Person.objects.filter(nik=nik).first()
    times.append((time.perf_counter() - started) * 1000)
    assert person is not None
times.sort()
print(json.dumps({"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "n": len(times),
                  "people": Person.objects.count()}))
"""


def run_child(args: list[str], env: dict) -> dict:
    """Run a child process; its wall time, peak memory (from wait4, this child alone) and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
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


def import_figures(path: Path, rows: int, env: dict) -> dict:
    result = pendamping("import-registry", str(path), "--no-progress", env=env)
    totals = re.search(
        r"Impor #\d+: ([\d.]+) baris dibaca = ([\d.]+) baru \+ ([\d.]+) diperbarui \+ ([\d.]+) tidak "
        r"berubah \+ ([\d.]+) ditolak",
        result["stdout"],
    )
    numbers = [int(n.replace(".", "")) for n in totals.groups()] if totals else []
    print(result["stdout"].strip(), f"({result['seconds']:.1f} s)", file=sys.stderr, flush=True)
    return {**result, "rows_per_s": rows / result["seconds"], "totals": numbers}


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def plain_copy(path: Path) -> float:
    """Seconds for PostgreSQL's COPY of the file into an unindexed table of text columns."""
    import psycopg

    columns = ", ".join(f"{name} text" for name in HEADER)
    with psycopg.connect(PG_BENCH, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_plain_copy")
        conn.execute(f"CREATE TABLE bench_plain_copy ({columns})")
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            path.open("rb") as handle,
            cursor.copy("COPY bench_plain_copy FROM STDIN (FORMAT csv, HEADER true, DELIMITER ';')") as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_plain_copy")
    return seconds


def csv_for(rows: int) -> tuple[Path, dict, float | None]:
    """The bench CSV of `rows` people: BENCH_CSV, or the kept file of an earlier run, or a new one (then kept);
    its facts, and the seconds it took to generate (None when it was kept)."""
    path = Path(os.environ.get("BENCH_CSV") or f"{tempfile.gettempdir()}/pendamping-bench/registri-{rows}.csv")
    if path.exists() and path.stat().st_size:
        with path.open(encoding="utf-8") as handle:
            at = HEADER.index("no_kk")
            next(handle)
            households = len({line.split(";")[at] for line in handle})
        return path, {"people": rows, "households": households, "bytes": path.stat().st_size}, None
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    started = time.perf_counter()
    info = generate(partial, rows)
    partial.rename(path)
    return path, info, time.perf_counter() - started


def bench(rows: int) -> dict:
    results: dict = {"rows": rows, "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        path, results["file"], results["generate_s"] = csv_for(rows)
        base = {**os.environ, "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "ERROR"}

        # PostgreSQL
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
        pg_admin(f"CREATE DATABASE {PG_DB}")
        try:
            env = {**base, "VAR_DIR": str(work / "var-pg"), "DATABASE_URL": PG_BENCH}
            pendamping("migrate", "--verbosity", "0", env=env)
            pendamping("load-areas", env=env)
            results["pg"] = import_figures(path, rows, env)
            if os.environ.get("BENCH_REIMPORT", "1") != "0":
                results["pg_again"] = import_figures(path, rows, env)
            results["copy_s"] = plain_copy(path)
            search = run_child([sys.executable, "-c", NIK_SEARCH], env)
            results["search"] = json.loads(search["stdout"].strip().splitlines()[-1])
        finally:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")

        # SQLite
        if os.environ.get("BENCH_SQLITE", "1") != "0":
            sqlite_rows = int(os.environ.get("BENCH_SQLITE_ROWS", rows))
            if sqlite_rows != rows:
                path = work / "registri-sqlite.csv"
                generate(path, sqlite_rows)
            env = {**base, "VAR_DIR": str(work / "var-sqlite")}
            env.pop("DATABASE_URL", None)
            pendamping("migrate", "--verbosity", "0", env=env)
            pendamping("load-areas", env=env)
            results["sqlite"] = {**import_figures(path, sqlite_rows, env), "rows": sqlite_rows}
    results["load_after"] = os.getloadavg()
    return results


def phases(figures: dict) -> str:
    """Where the time of an import went, from its own messages (the phases, COMMIT, the lock of a bulk load)."""
    found = []
    for line in figures["stdout"].splitlines():
        if line.startswith("Waktu: "):
            found.append(
                line.removeprefix("Waktu: ")
                .rstrip(".")
                .replace(" detik", " s")
                .replace("periksa", "reading+checking")
                .replace("cocokkan", "matching")
                .replace("tulis", "writing")
                .replace("hitung", "recounting the dashboard's households per desa")
            )
        elif match := re.match(r"COMMIT ([\d.]+) detik", line):
            found.append(f"COMMIT {match[1]} s")
        elif match := re.match(r"Impor besar: .* dikunci ([\d.]+) detik \(.* dalam ([\d.]+) detik\)", line):
            found.append(
                f"bulk load: registry tables locked {match[1]} s (indexes and foreign keys rebuilt in {match[2]} s)"
            )
    return ", ".join(found) or "not reported"


def phase_seconds(figures: dict, name: str) -> float | None:
    """The seconds of one phase of an import, from its own `Waktu:` message (periksa, cocokkan, tulis, hitung)."""
    match = re.search(rf"^Waktu: .*\b{name} ([\d.]+) detik", figures["stdout"], re.M)
    return float(match[1]) if match else None


def section(results: dict) -> tuple[list[str], bool]:
    rows = results["rows"]
    pg, again, lite = results["pg"], results.get("pg_again"), results.get("sqlite")
    copy_rate = rows / results["copy_s"]
    ratio = pg["rows_per_s"] / copy_rate
    search = results["search"]
    targets = {
        "PostgreSQL import >= 50,000 rows/s": pg["rows_per_s"] >= 50_000,
        "PostgreSQL import >= 1/3 of plain COPY": ratio >= 1 / 3,
        "peak memory < 500 MB": max(pg["max_rss_mb"], lite["max_rss_mb"] if lite else 0) < 500,
        "NIK search < 50 ms (p95)": search["p95"] < 50,
    }

    def totals(figures: dict) -> str:
        read, created, updated, unchanged, rejected = figures["totals"]
        return f"{read:,} read = {created:,} created + {updated:,} updated + {unchanged:,} unchanged + {rejected:,} rejected"

    lines = [
        SECTION,
        "",
        f"Measured by `bench/registry_import.py` on {time.strftime('%Y-%m-%d')} ({os.cpu_count()} cores), "
        f"{rows:,} people in {results['file']['households']:,} households of Kabupaten Sukabumi "
        f"({results['file']['bytes'] / 1e6:.0f} MB CSV, "
        + (f"generated in {results['generate_s']:.0f} s" if results["generate_s"] else "kept from an earlier run")
        + "). Each import is "
        "`pendamping import-registry FILE` as a child process, start-up included; peak memory is that child's "
        "ru_maxrss; CPU seconds are that child's user + system time (the database server's time is not in it), with "
        "its checking worker processes, a figure far less dependent than seconds on what else the machine was doing. "
        "Load average (1, 5, 15 min) before: "
        f"{', '.join(f'{n:.1f}' for n in results['load_before'])}; after: "
        f"{', '.join(f'{n:.1f}' for n in results['load_after'])}.",
        "",
        "| run | seconds | rows/s | CPU s of the import process | peak memory | totals |",
        "|---|---:|---:|---:|---:|---|",
        f"| PostgreSQL, first import | {pg['seconds']:.1f} | **{pg['rows_per_s']:,.0f}** | {pg['cpu_s']:.0f} | "
        f"{pg['max_rss_mb']:.0f} MB | {totals(pg)} |",
        *(
            [
                f"| PostgreSQL, same file again | {again['seconds']:.1f} | {again['rows_per_s']:,.0f} | "
                f"{again['cpu_s']:.0f} | {again['max_rss_mb']:.0f} MB | {totals(again)} |"
            ]
            if again
            else []
        ),
        f"| PostgreSQL plain COPY (text columns, no index) | {results['copy_s']:.1f} | {copy_rate:,.0f} | | | |",
        *(
            [
                f"| SQLite, first import ({lite['rows']:,} rows) | {lite['seconds']:.1f} | {lite['rows_per_s']:,.0f} | "
                f"{lite['cpu_s']:.0f} | {lite['max_rss_mb']:.0f} MB | {totals(lite)} |"
            ]
            if lite
            else ["| SQLite | not run in this measurement (BENCH_SQLITE=0) | | | | |"]
        ),
        "",
        f"- where the time went (the import's own timings), first import: {phases(pg)}",
        *([f"- same file again: {phases(again)}"] if again else []),
        f"- import / plain COPY on PostgreSQL: **{ratio:.2f}** (target 0.33 or better)",
        *(
            [
                f"- the writing alone (households, KK history, people, indexes and foreign keys rebuilt; no checking) "
                f"took {write_s:.1f} s: an import that checked nothing at all would reach "
                f"{rows / write_s / copy_rate:.2f} of plain COPY"
            ]
            if (write_s := phase_seconds(pg, "tulis"))
            else []
        ),
        f"- NIK search through the ORM at {search['people']:,} people: p50 **{search['p50']:.2f} ms**, "
        f"p95 **{search['p95']:.2f} ms** over {search['n']} random NIKs",
        "",
        *[f"- {name}: {'met' if ok else '**NOT met**'}" for name, ok in targets.items()],
        "",
    ]
    return lines, all(targets.values())


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
