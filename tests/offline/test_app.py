"""The installable app: the manifest, the service worker at the site root, the icons, the CSP, and the size of
the offline bundle."""

import gzip
import io
import json

from django.contrib.staticfiles import finders
from PIL import Image

from pendamping.offline.views import BUNDLE, SHELL

LIMIT = 150 * 1024


def test_the_manifest_is_served_to_anyone_as_a_web_app_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["short_name"] == "Pendamping" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b6e4f" and manifest["start_url"] == "/pendampingan/luring/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert sizes == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200
        png = Image.open(io.BytesIO(b"".join(image.streaming_content)))
        assert png.format == "PNG" and f"{png.width}x{png.height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_as_javascript_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    config = json.loads(source.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["page"] == "/pendampingan/luring/" and config["data"] == "/pendampingan/luring/data.json"
    assert "/static/pendamping/offline.js" in config["shell"] and len(config["version"]) == 12


def test_every_page_links_the_manifest_and_the_csp_lets_the_worker_and_manifest_load(login, tksk_kabandungan):
    response = login(tksk_kabandungan).get("/")
    html = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "/static/pendamping/offline-register.js" in html
    csp = response["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp and "script-src 'self'" in csp


def test_the_offline_bundle_stays_under_150_kb_compressed(client):
    total = len(gzip.compress(client.get("/sw.js").content, 9))
    for name in BUNDLE:
        with open(finders.find(name), "rb") as handle:
            total += len(gzip.compress(handle.read(), 9))
    assert set(BUNDLE) <= set(SHELL)
    assert total < LIMIT, f"{total} bytes gzip"
