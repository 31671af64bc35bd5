"""The installable app and the offline forms. sw.js and the manifest are public (a browser fetches the manifest
without cookies); the forms page and its data need a login."""

import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pendamping.kube.vocab import INDICATORS, BusinessStatus
from pendamping.mentoring.vocab import Method, SocialWorkRole

from .selectors import offline_data as data_for

THEME = "#0b6e4f"
# the app shell the service worker keeps: styles, scripts and icons (the forms page and its data are added to them)
SHELL = [
    "pendamping/app.css",
    "pendamping/htmx.min.js",
    "pendamping/offline-register.js",
    "pendamping/offline.js",
    "pendamping/icons/icon-192.png",
    "pendamping/icons/icon-512.png",
]
BUNDLE = ["pendamping/app.css", "pendamping/htmx.min.js", "pendamping/offline-register.js", "pendamping/offline.js"]


def shell_version() -> str:
    """A hash of the shell's files: a new release gets a new cache and the old one is dropped."""
    digest = hashlib.sha256()
    for name in SHELL:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


def service_worker_source() -> str:
    with open(finders.find("pendamping/offline-sw.js"), encoding="utf-8") as handle:
        source = handle.read()
    config = {
        "version": shell_version(),
        "shell": [static(name) for name in SHELL],
        "page": reverse("offline:forms"),
        "data": reverse("offline:data"),
        "static": static("pendamping/"),
    }
    return f"const CONFIG = {json.dumps(config)};\n{source}"


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, from the site root so its scope is the whole app."""
    response = HttpResponse(service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request):
    body = {
        "name": "Pendamping KUBE",
        "short_name": "Pendamping",
        "description": _("Record visits, attendance and progress reports, also without signal."),
        "lang": "id",
        "start_url": reverse("offline:forms"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            {"src": static(f"pendamping/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline_forms(request):
    """The forms that work without signal; the service worker keeps this page."""
    return render(
        request,
        "offline/forms.html",
        {
            "methods": Method.choices,
            "roles": SocialWorkRole.choices,
            "business_statuses": BusinessStatus.choices,
            "indicators": [(i.code, i.label) for i in INDICATORS if not i.computed],
            "data_url": reverse("offline:data"),
        },
    )


@require_GET
def offline_data(request):
    """The worker's groups, members, recent reports and open tasks, with a fresh CSRF token for the sends."""
    body = data_for(actor=request.user)
    body["user"] = {"id": request.user.pk, "name": request.user.get_short_name()}
    body["csrf"] = get_token(request)
    body["fetched_at"] = timezone.now().isoformat()
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response
