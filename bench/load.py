"""Load bench (issue 9, item 7). Results go to the "Load" section of RESULTS.md.

    python bench/load.py

Knobs (environment):
    BENCH_LOAD_SECONDS=75      how long the users work and are measured (after their logins), bounded
    BENCH_LOAD_THINK=3-10      seconds a user waits between two actions (uniform): reading a page on a phone
    BENCH_LOAD_STRESS=30       seconds of a second run with 0.5-2 s of think time, reported as the capacity (0: none)
    BENCH_LOAD_WARMUP=10       seconds of work before that, not measured (each worker's first requests)
    BENCH_LOAD_USERS=50        concurrent users: half fasilitators, 30% TKSK, 20% admins
    BENCH_LOAD_WORKERS=4       gunicorn worker processes (sync)
    BENCH_LOAD_PORT=8765       port on 127.0.0.1
    and those of bench/dashboard_scale.py (BENCH_SCALE_DB...): the same scale database is used, made when missing.

1. The scale database of bench/dashboard_scale.py (1,000,000 people, 20,000 KUBE, 200,000 contacts, 30,000 cases)
   and its accounts, made through accounts.services.
2. gunicorn (the project's server) on 127.0.0.1 with BENCH_LOAD_WORKERS sync workers against it.
3. BENCH_LOAD_USERS threads, each a user who logs in through the real login form (GET for the CSRF token, POST) with
   its own cookies, then works (BENCH_LOAD_WARMUP s unmeasured, then BENCH_LOAD_SECONDS measured) with a think
   time of BENCH_LOAD_THINK (3-10 s) between actions:
   - fasilitator (desa): a registry search by name or NIK (POST, as the list's search form sends it), a household
     page, the contact form (GET), a visit recorded (POST of the contact form, a household by its No. KK);
   - TKSK (kecamatan): the KUBE list, a group's page and its members, the contacts list, the role analytics, the
     case list;
   - admin (kabupaten): the dashboard, the referral list, now and then the KUBE export (XLSX) of a kecamatan.
   Each request's status and time are recorded; a status other than the expected one is an error.

4. Then the capacity: the same users again for BENCH_LOAD_STRESS s with 0.5-2 s of think time (about 35 actions a
   second asked, more than two cores serve): the requests per second served and the times under that queue.

Target: p95 under 300 ms for list and detail pages, no errors (in the run of step 3).

The think time: a fasilitator or a TKSK on a phone reads a page, looks something up or types before the next tap;
3-10 s between actions is a busy user (a visit form takes minutes to fill). 50 such users ask about 8 actions a
second. The capacity run shows where the server saturates (earlier runs of this bench used 0.5-2 s as the think time
of the measured run: that asked ~35 actions a second and measured the queue, not the pages).
"""

import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

import dashboard_scale  # noqa: E402

SECTION = "## Load"
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "75"))
WARMUP = float(os.environ.get("BENCH_LOAD_WARMUP", "10"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "4"))
PORT = int(os.environ.get("BENCH_LOAD_PORT", "8765"))
THINK = tuple(float(x) for x in os.environ.get("BENCH_LOAD_THINK", "3-10").split("-"))
STRESS_SECONDS = float(os.environ.get("BENCH_LOAD_STRESS", "30"))
STRESS_THINK = (0.5, 2.0)
BASE = f"http://127.0.0.1:{PORT}"
TARGET_MS = 300
# list and detail pages (the target applies to them); the others are forms, posts, exports and the dashboard
LIST_DETAIL = {
    "household page",
    "KUBE list",
    "KUBE page",
    "KUBE members",
    "contact list",
    "case list",
    "referral list",
    "registry search (POST)",
}


class User:
    def __init__(self, username: str, role: str, sample: dict, rng: random.Random):
        self.username, self.role, self.sample, self.rng = username, role, sample, rng
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None) -> tuple[int, bytes, float]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(BASE + path, data=body)
        if body is not None:
            request.add_header("Referer", BASE + path)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                content, status = response.read(), response.status
        except urllib.error.HTTPError as error:
            content, status = error.read(), error.code
        return status, content, (time.perf_counter() - started) * 1000

    def form_token(self, content: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        return match.group(1).decode() if match else self.csrf()

    def login(self, record) -> bool:
        status, content, ms = self.request("/akun/masuk/")
        token = self.form_token(content)
        status, _content, ms2 = self.request(
            "/akun/masuk/",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": dashboard_scale.PASSWORD},
        )
        record("login (GET + POST)", status == 302, ms + ms2, status)
        return status == 302

    # -- the work of each role ----------------------------------------------------------------------------------

    def fasilitator(self, record) -> None:
        s, rng = self.sample, self.rng
        pick = rng.random()
        if pick < 0.3:
            status, content, ms = self.request("/registri/individu/")
            token = self.form_token(content)
            person = rng.choice(s["people"])
            q = person["nik"] if rng.random() < 0.5 else person["name"]
            status, content, ms = self.request("/registri/individu/", {"csrfmiddlewaretoken": token, "q": q})
            record("registry search (POST)", status == 200, ms, status)
        elif pick < 0.6:
            status, _c, ms = self.request(f"/registri/keluarga/{rng.choice(s['households'])['id']}/")
            record("household page", status == 200, ms, status)
        elif pick < 0.8:
            status, _c, ms = self.request("/pendampingan/catat/")
            record("contact form (GET)", status == 200, ms, status)
        else:
            status, content, ms = self.request("/pendampingan/catat/")
            token = self.form_token(content)
            household = rng.choice(s["households"])
            data = {
                "csrfmiddlewaretoken": token,
                "contact_date": time.strftime("%Y-%m-%d"),
                "target_kind": "household",
                "number": household["no_kk"],
                "method": "casework",
                "roles": ["enabler"],
                "what_done": "Kunjungan rumah (bench beban)",
            }
            status, content, ms = self.request("/pendampingan/catat/", data)
            ok = status == 302
            if not ok:
                errors = re.findall(rb'class="[^"]*error[^"]*"[^>]*>([^<]{0,200})', content)
                self.last_error = b" | ".join(errors[:3]).decode(errors="replace")
            record("visit (POST)", ok, ms, status)

    def tksk(self, record) -> None:
        s, rng = self.sample, self.rng
        pick = rng.random()
        if pick < 0.2:
            status, _c, ms = self.request("/kube/")
            record("KUBE list", status == 200, ms, status)
        elif pick < 0.4:
            status, _c, ms = self.request(f"/kube/{rng.choice(s['kube'])}/")
            record("KUBE page", status == 200, ms, status)
        elif pick < 0.5:
            status, _c, ms = self.request(f"/kube/{rng.choice(s['kube'])}/anggota/")
            record("KUBE members", status == 200, ms, status)
        elif pick < 0.7:
            status, _c, ms = self.request("/pendampingan/")
            record("contact list", status == 200, ms, status)
        elif pick < 0.8:
            status, _c, ms = self.request("/pendampingan/analitik-peran/")
            record("role analytics", status == 200, ms, status)
        else:
            status, _c, ms = self.request("/puskesos/kasus/")
            record("case list", status == 200, ms, status)

    def admin(self, record) -> None:
        s, rng = self.sample, self.rng
        pick = rng.random()
        if pick < 0.45:
            status, _c, ms = self.request("/dasbor/")
            record("dashboard (kabupaten)", status == 200, ms, status)
        elif pick < 0.9:
            status, _c, ms = self.request("/puskesos/rujukan/")
            record("referral list", status == 200, ms, status)
        else:
            status, _c, ms = self.request(
                "/kube/ekspor/?" + urllib.parse.urlencode({"area": rng.choice(s["kecamatan"])})
            )
            record("KUBE export of a kecamatan (XLSX)", status == 200, ms, status)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_302


def samples() -> list[tuple[str, str, dict]]:
    """The accounts of the scale database and, for each, some rows of its area to open."""
    rng = random.Random(2026)
    with dashboard_scale.pg(dashboard_scale.PG_URL) as conn:
        accounts = conn.execute(
            """SELECT u.username, ra.role, ra.area_id FROM accounts_user u
               JOIN accounts_roleassignment ra ON ra.user_id = u.id AND ra.ended_at IS NULL
               WHERE u.username ~ '^(admin\\.skala|tksk\\.|fasilitator\\.)' ORDER BY u.username"""
        ).fetchall()
        kecamatan = [r[0] for r in conn.execute("SELECT code FROM areas_area WHERE parent_id = '32.02'")]
        by_role: dict[str, list] = {"fasilitator": [], "tksk": [], "admin_dinsos": []}
        for username, role, area in accounts:
            if role not in by_role:
                continue
            sample: dict = {"area": area, "kecamatan": kecamatan}
            if role == "fasilitator":
                rows = conn.execute(
                    """SELECT h.id, h.no_kk, p.nik, p.name FROM registry_household h
                       JOIN registry_person p ON p.household_id = h.id
                       WHERE h.desa_id = %s AND h.deleted_at IS NULL AND p.deleted_at IS NULL LIMIT 200""",
                    [area],
                ).fetchall()
                sample["households"] = [{"id": r[0], "no_kk": r[1]} for r in rows]
                sample["people"] = [{"nik": r[2], "name": r[3]} for r in rows]
            elif role == "tksk":
                sample["kube"] = [
                    r[0]
                    for r in conn.execute(
                        "SELECT id FROM kube_kube WHERE kecamatan_id = %s AND deleted_at IS NULL LIMIT 100", [area]
                    )
                ]
            by_role[role].append((username, role, sample))
    wanted = {"fasilitator": USERS // 2, "tksk": USERS * 3 // 10}
    wanted["admin_dinsos"] = USERS - sum(wanted.values())
    chosen = []
    for role, n in wanted.items():
        pool = [a for a in by_role[role] if role != "fasilitator" or a[2].get("households")]
        pool = [a for a in pool if role != "tksk" or a[2].get("kube")]
        rng.shuffle(pool)
        chosen += [pool[i % len(pool)] for i in range(n)]  # admins: 5 accounts, each logged in twice
    return chosen


def start_server(env: dict, log) -> subprocess.Popen:
    args = [
        str(BIN / "gunicorn"),
        "pendamping.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(WORKERS),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
    ]
    server = subprocess.Popen(args, env=env, stdout=log, stderr=log, cwd=ROOT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(BASE + "/akun/masuk/", timeout=30) as response:
                if response.status == 200:
                    return server
        except OSError:  # refused while starting, or a first answer slower than the timeout
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 90 s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_load(chosen: list, *, think: tuple[float, float], seconds: float, solo: bool = True) -> dict:
    records: list[tuple[str, bool, float, int]] = []
    failures: list[str] = []
    lock = threading.Lock()
    start_work = threading.Event()
    stop_at = [0.0]
    measure_from = [float("inf")]

    def work(index: int, username: str, role: str, sample: dict) -> None:
        rng = random.Random(index)
        user = User(username, role, sample, rng)

        def record(page: str, ok: bool, ms: float, status: int) -> None:
            if ok and not page.startswith("login") and time.monotonic() < measure_from[0]:
                return  # warm-up: every worker loads its code and templates (failures still count)
            with lock:
                records.append((page, ok, ms, status))
                if not ok and len(failures) < 20:
                    failures.append(f"{username} {page}: HTTP {status} {getattr(user, 'last_error', '')}"[:300])

        time.sleep(index * 0.2)  # logins spread over the first 10 s
        try:
            if not user.login(record):
                return
            start_work.wait()
            action = {"fasilitator": user.fasilitator, "tksk": user.tksk, "admin_dinsos": user.admin}[role]
            while time.monotonic() < stop_at[0]:
                try:
                    action(record)
                except (OSError, urllib.error.URLError) as error:
                    record("connection error", False, 0, 0)
                    with lock:
                        failures.append(f"{username}: {error}"[:300])
                time.sleep(rng.uniform(*think))
        except Exception as error:  # noqa: BLE001 - a bench records every failure and goes on
            with lock:
                failures.append(f"{username}: {type(error).__name__} {error}"[:300])

    solo = solo_pass(chosen) if solo else {}
    threads = [threading.Thread(target=work, args=(i, *a), daemon=True) for i, a in enumerate(chosen)]
    for thread in threads:
        thread.start()
    time.sleep(len(chosen) * 0.2 + 2)
    load_before = os.getloadavg()
    warm = time.monotonic()
    measure_from[0] = warm + WARMUP
    stop_at[0] = warm + WARMUP + seconds
    start_work.set()
    for thread in threads:
        thread.join(timeout=WARMUP + seconds + think[1] + 60)
    elapsed = time.monotonic() - measure_from[0]
    return {
        "solo": solo,
        "records": records,
        "failures": failures,
        "elapsed": elapsed,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def solo_pass(chosen: list) -> dict[str, list[float]]:
    """Before the load: one user of each role alone, 20 actions each after 5 unmeasured (each page's own time on a
    quiet server, to tell the work of a page from waiting in the queue under load)."""
    times: dict[str, list[float]] = {}
    for role in ("fasilitator", "tksk", "admin_dinsos"):
        username, _role, sample = next(a for a in chosen if a[1] == role)
        user = User(username, role, sample, random.Random(7))
        user.login(lambda *args: None)
        action = {"fasilitator": user.fasilitator, "tksk": user.tksk, "admin_dinsos": user.admin}[role]
        for n in range(25):
            action(lambda page, ok, ms, status, n=n: times.setdefault(page, []).append(ms) if n >= 5 else None)
    return times


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench() -> dict:
    info = dashboard_scale.prepare()
    env = info.pop("env")
    chosen = samples()
    with tempfile.TemporaryDirectory() as var_dir, open(Path(var_dir) / "gunicorn.log", "w+") as log:
        server_env = {**env, "VAR_DIR": var_dir, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR"}
        server_env.pop("DEBUG", None)
        server = start_server(server_env, log)
        try:
            result = run_load(chosen, think=THINK, seconds=SECONDS)
            if STRESS_SECONDS > 0:
                result["stress"] = run_load(chosen, think=STRESS_THINK, seconds=STRESS_SECONDS, solo=False)
        finally:
            stop_server(server)
        log.seek(0)
        result["server_log"] = log.read()[-3000:]
    result["volume"] = info["volume"]
    result["users"] = {
        role: sum(1 for _u, r, _s in chosen if r == role) for role in ("fasilitator", "tksk", "admin_dinsos")
    }
    return result


def section(result: dict) -> tuple[list[str], bool]:
    pages: dict[str, list] = {}
    for page, ok, ms, status in result["records"]:
        pages.setdefault(page, []).append((ok, ms, status))
    total = sum(len(v) for k, v in pages.items() if not k.startswith("login"))
    errors = sum(1 for v in pages.values() for ok, _ms, _s in v if not ok)
    users = result["users"]
    lb, la = result["load_before"], result["load_after"]
    lines = [
        SECTION,
        "",
        f"Measured by `bench/load.py` on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores shared with other work "
        f"(the load generator, gunicorn and PostgreSQL all on this machine). gunicorn with {WORKERS} sync workers on "
        "127.0.0.1 against the scale database of the dashboard bench (1,000,000 people, "
        f"{result['volume']['KUBE']:,} KUBE, {result['volume']['contacts']:,} contacts, "
        f"{result['volume']['cases']:,} cases). {sum(users.values())} concurrent users ({users['fasilitator']} "
        f"fasilitators, {users['tksk']} TKSK, {users['admin_dinsos']} admins), each logged in through the login form, "
        f"then working for {WARMUP:.0f} s of warm-up (not measured) and {result['elapsed']:.0f} s measured, "
        f"with {THINK[0]:g}-{THINK[1]:g} s of think time between actions: {total:,} requests "
        f"({total / result['elapsed']:.1f}/s). Load average (1, 5, 15 min) at the start: {lb[0]:.1f}, {lb[1]:.1f}, "
        f"{lb[2]:.1f}; at the end: {la[0]:.1f}, {la[1]:.1f}, {la[2]:.1f}.",
        "",
        "The column *alone* is each page's time with one user of its role working alone on the same server just "
        "before the load (after 5 unmeasured actions): what the page costs, not counting the queue.",
        "",
        "| page | requests | p50 | p95 | max | errors | alone: p50 (n) | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    met = errors == 0
    for page in sorted(pages, key=lambda p: (p not in LIST_DETAIL, p)):
        rows = pages[page]
        times = [ms for _ok, ms, _s in rows]
        bad = sum(1 for ok, _ms, _s in rows if not ok)
        target = ""
        if page in LIST_DETAIL:
            hit = pct(times, 95) < TARGET_MS
            met = met and hit
            target = f"p95 < {TARGET_MS} ms: " + ("met" if hit else "**NOT met**")
        alone = result["solo"].get(page)
        alone = f"{statistics.median(alone):.0f} ms ({len(alone)})" if alone else ""
        lines.append(
            f"| {page} | {len(rows):,} | {statistics.median(times):.0f} ms | {pct(times, 95):.0f} ms | "
            f"{max(times):.0f} ms | {bad} | {alone} | {target} |"
        )
    lines += [""]
    if result["failures"]:
        lines += ["Errors (first few): " + "; ".join(f"`{f}`" for f in result["failures"][:5]), ""]
    lines += [
        f"- p95 under {TARGET_MS} ms for list and detail pages, and no errors: {'met' if met else '**NOT met**'}",
        "",
    ]
    stress = result.get("stress")
    if stress:
        timed = [(page, ok, ms) for page, ok, ms, _s in stress["records"] if not page.startswith("login")]
        listed = [ms for page, _ok, ms in timed if page in LIST_DETAIL]
        bad = sum(1 for _page, ok, _ms in timed if not ok)
        lines += [
            f"Capacity (not the target): the same {sum(users.values())} users for {stress['elapsed']:.0f} s more with "
            f"{STRESS_THINK[0]:g}-{STRESS_THINK[1]:g} s of think time, asking more than the two cores serve: "
            f"**{len(timed) / stress['elapsed']:.1f} requests/s** served, {bad} errors; list and detail pages p50 "
            f"{statistics.median(listed):.0f} ms, p95 {pct(listed, 95):.0f} ms (the time in the queue).",
            "",
        ]
    return lines, met


def run() -> tuple[list[str], bool]:
    return section(bench())


def main() -> int:
    result = bench()
    lines, ok = section(result)
    dashboard_scale.write_section(lines, SECTION)
    print("\n".join(lines))
    if result["failures"]:
        print("\n".join(result["failures"]), file=sys.stderr)
        print(result["server_log"], file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
