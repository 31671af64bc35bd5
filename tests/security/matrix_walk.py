"""Walking the routes: every named URL of the URL configuration and every operation of the API's OpenAPI schema,
with its path parameters filled from the world's records by parameter name."""

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pendamping.api.api import api

# The Django admin is Django's own code, open to superusers only: the matrix calls its index; its other routes
# are the same guard (admin.site.has_permission) and are not listed one by one.
ADMIN_NAMESPACE = "admin"
# The API's operations are walked through its OpenAPI schema (method and path), not through their URL names.
API_NAMESPACE = "api-v1"
API_PAGES = {"openapi-json", "openapi-view", "api-root"}


def url_routes() -> dict[str, list[str]]:
    """{'app:name': [parameter names]} of every named route (the API's operations and the admin's inner routes
    excepted, see above)."""
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace + [pattern.namespace] if pattern.namespace else namespace
                walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                if namespace[:1] == [ADMIN_NAMESPACE] and pattern.name != "index":
                    continue
                if namespace[:1] == [API_NAMESPACE] and pattern.name not in API_PAGES:
                    continue
                full = ":".join(namespace + [pattern.name])
                found[full] = list(pattern.pattern.converters) or re.findall(
                    r"<(?:\w+:)?(\w+)>", prefix + str(pattern.pattern)
                )

    walk(get_resolver().url_patterns, [], "")
    return found


def api_operations() -> dict[str, list[str]]:
    """{'GET /households/{household_id}': [parameter names]} of every operation in the OpenAPI schema."""
    schema = api.get_openapi_schema()
    prefix = "/api/v1"
    found = {}
    for path, operations in schema["paths"].items():
        for method in operations:
            if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                found[f"{method.upper()} {path.removeprefix(prefix)}"] = re.findall(r"{(\w+)}", path)
    return found


def route_url(name: str, params: list[str], values: dict) -> str:
    return reverse(name, kwargs={p: values[p] for p in params})


def api_url(operation: str, values: dict) -> tuple[str, str]:
    method, path = operation.split(" ", 1)
    return method, "/api/v1" + re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)
