"""The OpenAPI document lists every route; the docs page loads no script from elsewhere."""

import re


def test_the_openapi_document_lists_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/areas/{code}",
        "/api/v1/households",
        "/api/v1/households/{household_id}",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/kube",
        "/api/v1/kube/{kube_id}",
        "/api/v1/kube/{kube_id}/members",
        "/api/v1/kube/{kube_id}/progress-reports",
        "/api/v1/visits",
        "/api/v1/cases",
        "/api/v1/referrals",
    ):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/visits"])


def test_the_docs_page_uses_only_local_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html) + re.findall(r'<link[^>]*href="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources), sources
    assert "script-src 'self'" in response["Content-Security-Policy"]
