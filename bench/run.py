"""Benchmarks of the foundation (make bench). Results go to bench/RESULTS.md.

1. load-areas: the whole national list (91,599 areas) into a fresh SQLite database; target under 20 s.
2. Page weight: the home page of the demo TKSK with its stylesheet and script, and the area picker partial;
   targets: a first load under 100 KB over the wire (gzip, as WhiteNoise serves collected files), a partial under 20 KB.
3. Registry import (bench/registry_import.py): BENCH_ROWS people (default 1,000,000) into PostgreSQL and SQLite,
   against PostgreSQL's plain COPY of the same file, and the NIK search time at that size.
4. Targeting screening (bench/targeting_screen.py): the BENCH_ROWS people of the registry bench screened on
   PostgreSQL, the whole kabupaten in one set-based run; target: 1,000,000 people in under 60 s.
5. Dashboard at scale (bench/dashboard_scale.py): 1,000,000 people, 20,000 KUBE, 200,000 contacts and 30,000 cases
   on PostgreSQL, the dashboard of the kabupaten, a kecamatan and a desa; target: the kabupaten under 300 ms.
6. Load (bench/load.py): gunicorn on 127.0.0.1 and 50 users (fasilitators, TKSK, admins) for a bounded time over the
   database of 5; target: p95 under 300 ms for list and detail pages, no errors.

BENCH_SKIP_SCALE=1 leaves out 5 and 6 (the heavy ones: a quick run); BENCH_SKIP_LOAD=1 leaves out 6 alone.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def pendamping(*args: str, env: dict) -> str:
    result = subprocess.run([str(BIN / "pendamping"), *args], env=env, capture_output=True, text=True, check=True)
    return result.stdout


def bench_load_areas(env: dict) -> dict:
    pendamping("migrate", "--verbosity", "0", env=env)
    started = time.perf_counter()
    out = pendamping("load-areas", env=env)
    first = time.perf_counter() - started
    started = time.perf_counter()
    pendamping("load-areas", env=env)
    second = time.perf_counter() - started
    return {"first": first, "second": second, "output": out.strip()}


PAGE_WEIGHT = r"""
import gzip, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pendamping.settings")
import django; django.setup()
from django.test import Client
from pendamping.accounts.demo import DEMO_PASSWORD
client = Client()
assert client.post("/akun/masuk/", {"username": "tksk.kabandungan", "password": DEMO_PASSWORD}).status_code == 302
sizes = {}
home = client.get("/").content
sizes["home.html"] = (len(home), len(gzip.compress(home)))
for path in ["/static/pendamping/app.css", "/static/pendamping/htmx.min.js"]:
    body = b"".join(client.get(path).streaming_content)
    sizes[path.rsplit("/", 1)[1]] = (len(body), len(gzip.compress(body)))
client.logout()
client.post("/akun/masuk/", {"username": "admin.sukabumi", "password": DEMO_PASSWORD})
partial = client.get("/wilayah/pilih/", {"pick": "32.02.19"}, HTTP_HX_REQUEST="true").content
sizes["picker partial"] = (len(partial), len(gzip.compress(partial)))
print(json.dumps(sizes))
"""


def bench_page_weight(env: dict) -> dict:
    import json

    pendamping("demo", env=env)
    out = subprocess.run([sys.executable, "-c", PAGE_WEIGHT], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    """The machine the figures come from: processor, cores, memory, Python, PostgreSQL and its main settings."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown processor",
    )
    memory = next(
        (
            int(line.split()[1]) // 1048576
            for line in Path("/proc/meminfo").read_text().splitlines()
            if "MemTotal" in line
        ),
        0,
    )
    try:
        settings = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-Atc",
                "SHOW server_version; SHOW shared_buffers; SHOW max_wal_size; SHOW work_mem",
            ],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.split()
        version, buffers, wal, work_mem = settings[0], settings[-3], settings[-2], settings[-1]
        postgres = f"PostgreSQL {version} (shared_buffers {buffers}, max_wal_size {wal}, work_mem {work_mem})"
    except (OSError, IndexError, subprocess.SubprocessError):
        postgres = "PostgreSQL (version not read)"
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} GB of memory, Python {sys.version.split()[0]}, {postgres} on "
        "127.0.0.1 with its default settings; SQLite in WAL mode"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "VAR_DIR": var_dir, "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "testserver"}
        env.pop("DATABASE_URL", None)
        areas = bench_load_areas(env)
        weights = bench_page_weight(env)
    first_load = sum(gz for name, (_raw, gz) in weights.items() if name != "picker partial")
    partial = weights["picker partial"][1]
    ok = areas["first"] < 20 and first_load < 100_000 and partial < 20_000
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d')}, every section in the same run, on {machine()}.",
        "The load generator, the app and PostgreSQL share those cores; each section gives the load average around it.",
        "",
        "## load-areas (target: under 20 s on SQLite)",
        "",
        f"- first load into an empty database: **{areas['first']:.1f} s** ({areas['output']})",
        f"- second run (idempotent upsert, nothing duplicated): {areas['second']:.1f} s",
        "",
        "## Page weight (targets: first load under 100 KB, htmx partial under 20 KB, over the wire)",
        "",
        "| resource | bytes | gzip bytes |",
        "|---|---:|---:|",
        *[f"| {name} | {raw:,} | {gz:,} |" for name, (raw, gz) in weights.items()],
        "",
        f"- first load of the TKSK home page (HTML + CSS + htmx, gzip): **{first_load:,} bytes**",
        f"- area picker partial (gzip): **{partial:,} bytes**",
        "",
        f"All targets of load-areas and page weight met: {'yes' if ok else 'NO'}",
        "",
    ]
    sys.path.insert(0, str(ROOT / "bench"))
    import registry_import

    registry_lines, registry_ok = registry_import.run()
    lines += registry_lines
    ok = ok and registry_ok
    import targeting_screen

    targeting_lines, targeting_ok = targeting_screen.run()
    lines += targeting_lines
    ok = ok and targeting_ok
    if os.environ.get("BENCH_SKIP_SCALE") != "1":
        import dashboard_scale

        scale_lines, scale_ok = dashboard_scale.run_bench()
        lines += scale_lines
        ok = ok and scale_ok
        if os.environ.get("BENCH_SKIP_LOAD") != "1":
            import load

            load_lines, load_ok = load.run()
            lines += load_lines
            ok = ok and load_ok
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
