"""Web security as a user (or an attacker) would meet it: CSRF on every form, hostile names shown escaped and
exported neutralised, security headers and cookies, `check --deploy` clean in production, no NIK or No. KK in logs
or links, uploads judged by their content and not by their name."""

import contextlib
import csv
import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pendamping.core.middleware import CONTENT_SECURITY_POLICY
from tests.conftest import CIPEUTEUY
from tests.kube.helpers import make_kube
from tests.mentoring.helpers import record
from tests.puskesos.helpers import make_case
from tests.registry.test_services import make_household

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "pendamping"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64  # a Windows program
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "Asep' onmouseover='alert(1)",
    "Euis\u202egnp.exe",  # right-to-left override
    "Ded\u200de\u200b",  # zero-width joiner and space
]
RAW_MARKUP = ["<script>alert(1)</script>", "<img src=x onerror", "' onmouseover='alert"]


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user, backend=MODEL_BACKEND)
    return client


# -- CSRF -----------------------------------------------------------------------------------------------------------

CSRF_SAMPLE = [
    "registry:household-create",
    "registry:import-create",
    "targeting:screen-desa",
    "kube:kube-create",
    "mentoring:contact-create",
    "mentoring:task-create",
    "puskesos:case-intake",
    "puskesos:psks-create",
    "accounts:password-change",
    "accounts:user-create",
    "accounts:logout",
    "set_language",
]


def test_a_post_without_the_csrf_token_is_refused_on_forms_of_every_app(admin_sukabumi):
    client = signed_in(admin_sukabumi, enforce_csrf_checks=True)
    for name in CSRF_SAMPLE:
        response = client.post(reverse(name), {"name": "x"})
        assert response.status_code == 403, (name, response.status_code)


def test_every_post_form_in_the_templates_carries_the_csrf_token():
    missing = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*>", text, flags=re.I):
            if not re.search(r"method=[\"']?post", form.group(0), flags=re.I):
                continue
            end = text.find("</form>", form.end())
            body = text[form.end() : end if end != -1 else len(text)]
            if "csrf_token" not in body:
                missing.append(f"{template.relative_to(SRC)}: {form.group(0)[:80]}")
    assert not missing, "POST forms without {% csrf_token %}:\n" + "\n".join(missing)


def test_htmx_sends_the_token_from_the_page_so_the_csrf_cookie_stays_http_only(tksk_kabandungan):
    page = signed_in(tksk_kabandungan).get(reverse("core:home")).content.decode()
    assert re.search(r"hx-headers='\{&quot;X-CSRFToken&quot;|hx-headers='\{\"X-CSRFToken\"", page)
    assert settings.CSRF_COOKIE_HTTPONLY and settings.SESSION_COOKIE_HTTPONLY


# -- escaping -------------------------------------------------------------------------------------------------------


def assert_escaped(text: str, where: str):
    for markup in RAW_MARKUP:
        assert markup not in text, f"{markup!r} unescaped in {where}"


def test_hostile_names_are_shown_escaped_in_lists_details_and_exports(tksk_kabandungan, fasilitator_cipeuteuy):
    households = [
        make_household(tksk_kabandungan, serial=700 + i, head={"name": name}) for i, name in enumerate(HOSTILE)
    ]
    kube = make_kube(tksk_kabandungan, name=HOSTILE[1][:60])
    case = make_case(fasilitator_cipeuteuy, description=" ".join(HOSTILE), household=households[0])
    record(tksk_kabandungan, kube=kube, what_done=HOSTILE[0])
    tksk = signed_in(tksk_kabandungan)
    pages = [
        reverse("registry:household-list"),
        reverse("registry:person-list") + "?q=Asep",
        reverse("registry:household-detail", args=[households[0].pk]),
        reverse("registry:household-detail", args=[households[1].pk]),
        reverse("registry:person-detail", args=[households[1].head.pk]),
        reverse("kube:kube-list"),
        reverse("kube:kube-detail", args=[kube.pk]),
        reverse("mentoring:contact-list"),
        reverse("puskesos:case-list"),
        reverse("puskesos:case-detail", args=[case.pk]),
    ]
    for url in pages:
        client = signed_in(fasilitator_cipeuteuy) if url.startswith("/puskesos/") else tksk
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tksk.get(pages[2]).content.decode()
    exported = tksk.get(reverse("kube:kube-export") + "?format=csv")
    assert exported.status_code == 200
    body = b"".join(exported.streaming_content) if exported.streaming else exported.content
    text = body.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")) or cell.lstrip("-").replace(".", "").isdigit(), cell


def test_a_formula_in_a_name_is_neutralised_in_the_export(tksk_kabandungan):
    make_kube(tksk_kabandungan, name='=HYPERLINK("http://x.example","klik")')
    client = signed_in(tksk_kabandungan)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("kube:kube-export") + f"?format={fmt}")
        assert response.status_code == 200, fmt
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            assert "=HYPERLINK" in body.decode("utf-8-sig")
            assert ";=HYPERLINK" not in body.decode("utf-8-sig") and "\n=HYPERLINK" not in body.decode("utf-8-sig")
        else:
            from openpyxl import load_workbook

            cells = [c.value for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row]
            assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
            assert any(isinstance(v, str) and "HYPERLINK" in v for v in cells)


# -- headers and cookies --------------------------------------------------------------------------------------------


def test_pages_carry_the_security_headers(tksk_kabandungan):
    response = signed_in(tksk_kabandungan).get(reverse("registry:household-list"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]


def production_env(**extra) -> dict:
    env = {
        **os.environ,
        "HTTPS": "1",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "Q7v-Xn2!pL9@zR4#tY8$wM1%cB6^hJ3&fD5*sG0(aE" + "u" * 10,
        "ALLOWED_HOSTS": "pendamping.example.go.id",
        "CSRF_TRUSTED_ORIGINS": "https://pendamping.example.go.id",
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # set by the browser tests' conftest in this process, never in production
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_behind_https_cookies_are_secure_and_http_only_and_hsts_is_sent(tmp_path):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY',"
        " 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'DEBUG']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**production_env(VAR_DIR=str(tmp_path)), "DJANGO_SETTINGS_MODULE": "pendamping.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    import json

    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "DEBUG": False,
    }


def test_hsts_header_is_sent_over_https(settings, tksk_kabandungan):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = signed_in(tksk_kabandungan).get(reverse("core:home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


# -- personal data in logs and URLs -----------------------------------------------------------------------------------


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_no_nik_or_kk_in_logs_or_in_the_links_of_the_pages(tksk_kabandungan, fasilitator_cipeuteuy):
    household = make_household(tksk_kabandungan, serial=801)
    nik, kk = household.head.nik, household.no_kk
    case = make_case(fasilitator_cipeuteuy, household=household)
    secrets = [nik, kk]
    tksk, desk = signed_in(tksk_kabandungan), signed_in(fasilitator_cipeuteuy)
    recorder, root = Recorder(), logging.getLogger()
    level, root.level = root.level, logging.DEBUG
    root.addHandler(recorder)
    try:
        responses = walk(tksk, desk, household, case)
    finally:
        root.removeHandler(recorder)
        root.setLevel(level)
    assert recorder.records, "the walk logged nothing: the recorder does not see the logs"
    for response in responses:
        if getattr(response, "streaming", False):
            continue
        text = response.content.decode("utf-8", "replace")
        for link in re.findall(r"""(?:href|action|hx-get|hx-post|src)=["']([^"']+)["']""", text):
            assert not any(secret in link for secret in secrets), link
        location = response.get("Location", "")
        assert not any(secret in location for secret in secrets), location
    for entry in recorder.records:
        message = entry.getMessage() + " " + str(getattr(entry, "request", ""))
        assert not any(secret in message for secret in secrets), message


def walk(tksk, desk, household, case):
    nik, kk = household.head.nik, household.no_kk
    return [
        tksk.post(reverse("registry:person-list"), {"q": nik}),
        tksk.post(reverse("registry:household-list"), {"q": kk}),
        tksk.get(reverse("registry:household-detail", args=[household.pk])),
        tksk.get(reverse("registry:person-detail", args=[household.head.pk])),
        tksk.post(reverse("registry:person-export"), {"q": nik, "format": "csv"}),
        tksk.get("/registri/tidak-ada/?nik=" + "0" * 16),  # a 404 is logged: with its path only
        desk.get(reverse("puskesos:case-intake")),
        desk.post(reverse("puskesos:case-intake"), {"nik": nik}),
        desk.get(reverse("puskesos:case-detail", args=[case.pk])),
    ]


# -- uploads by content -------------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name, content, kind="image/png"):
    return SimpleUploadedFile(name, content, content_type=kind)


def test_an_executable_renamed_png_is_refused_by_every_upload(tksk_kabandungan, fasilitator_cipeuteuy, media):
    from pendamping.areas.models import Area
    from pendamping.kube.services.common import prepared_upload
    from pendamping.mentoring.services import contacts
    from pendamping.puskesos.services.register import document_store
    from pendamping.registry.imports import import_run_execute, import_upload_store
    from pendamping.registry.models import Household
    from pendamping.targeting import services as targeting

    household = make_household(tksk_kabandungan, serial=811)
    kube = make_kube(tksk_kabandungan)
    for bad in (EXECUTABLE, ELF):
        with pytest.raises(ValidationError):
            prepared_upload(upload("foto.png", bad))
        with pytest.raises(ValidationError):
            record(tksk_kabandungan, kube=kube, photos=[upload("kunjungan.jpg", bad, "image/jpeg")])
        with pytest.raises(ValidationError):
            document_store(
                actor=fasilitator_cipeuteuy,
                desa=Area.objects.get(code=CIPEUTEUY),
                field="ktp",
                uploaded=upload("ktp.png", bad),
            )
        with pytest.raises(ValidationError):
            targeting.special_case_propose(
                actor=tksk_kabandungan,
                area_code=CIPEUTEUY,
                kind="bencana_alam",
                reason="Banjir bandang.",
                person_ids=[household.head.pk],
                documents=[upload("surat.pdf", bad, "application/pdf")],
            )
        before = Household.objects.count()
        run = import_upload_store(actor=tksk_kabandungan, uploaded_file=upload("data.csv", bad, "text/csv"))
        with contextlib.suppress(ValidationError):
            import_run_execute(run=run)
        run.refresh_from_db()
        assert run.status == "failed" and Household.objects.count() == before
        assert run.error or run.messages, "a refused file names the problem"
    assert not contacts.Contact.objects.filter(kube=kube).exists()


def test_a_pdf_named_jpg_is_stored_as_the_pdf_it_is(tksk_kabandungan, media):
    from pendamping.kube.services.common import prepared_upload

    data, kind, extension = prepared_upload(upload("foto.jpg", PDF, "image/jpeg"))
    assert kind == "application/pdf" and extension == ".pdf" and data == PDF


def test_pages_are_sent_compressed_to_a_browser_that_accepts_gzip(tksk_kabandungan):
    response = signed_in(tksk_kabandungan).get(reverse("registry:household-list"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
