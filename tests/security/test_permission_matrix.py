"""The permission matrix: every route of the URL configuration and every operation of the API's OpenAPI schema,
called as each role (admin, TKSK, fasilitator, pendamping, pengamat, anonymous) on records in scope (Kabandungan,
Cipeuteuy) and out of scope (Kalapanunggal; for the admin of Sukabumi, the admin of Bogor stands out of scope),
checked against the expectations written below as data. A route the tables do not cover fails the test: a new page
is added here with what each role should get.

Status classes: "ok" 200 (or a redirect that is not to the login page), "403" refused, "404" hidden or out of
scope, "login" a redirect to the login page, "401" the API's answer without a token, "405" the method refused.
A route marked POST is a form action without a page: a GET is 405 for every signed-in role; the roles marked
"403"/"404" are refused a POST as well (never a 200 or a redirect that would have changed data), the roles marked
"ok" are not posted to here (their writes are tested in the app's own tests).
"""

import json

import pytest
from django.test import Client

from .matrix_walk import api_operations, api_url, route_url, url_routes
from .world import ROLES, world  # noqa: F401 (the module fixture)

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
COLUMNS = (*ROLES, "anonymous")

# route -> (the record `pk` names, method, expected class per role "admin tksk fasilitator pendamping pengamat
# anonymous"[, out of scope per role "admin tksk fasilitator pendamping pengamat" when not "404"]).
# Out of scope, a route with parameters is "404" for every role (or "403" where the role is refused in scope too);
# the override names where else: "skip" for the referral answer page, whose token is its own credential.
PAGES: dict[str, tuple] = {
    "accounts:api-token-create": ("api_token", "POST", "ok ok ok ok ok login"),
    "accounts:api-token-revoke": ("api_token", "POST", "404 ok 404 404 404 login"),
    "accounts:assignment-add": ("user", "GET", "ok 403 403 403 403 login"),
    "accounts:assignment-end": ("user", "GET", "ok 403 403 403 403 login"),
    "accounts:login": (None, "GET", "ok ok ok ok ok ok"),
    "accounts:logout": (None, "POST", "ok ok ok ok ok login"),
    "accounts:password-change": (None, "GET", "ok ok ok ok ok login"),
    "accounts:profile": (None, "GET", "ok ok ok ok ok login"),
    "accounts:user-create": ("user", "GET", "ok 403 403 403 403 login"),
    "accounts:user-detail": ("user", "GET", "ok 403 403 403 403 login"),
    "accounts:user-export": ("user", "GET", "ok 403 403 403 403 login"),
    "accounts:user-list": ("user", "GET", "ok 403 403 403 403 login"),
    "accounts:user-password-set": ("user", "GET", "ok 403 403 403 403 login"),
    "accounts:user-unlock": ("user", "POST", "ok 403 403 403 403 login"),
    "accounts:user-update": ("user", "GET", "ok 403 403 403 403 login"),
    "admin:index": (None, "GET", "login login login login login login"),
    "api-v1:api-root": (None, "GET", "404 404 404 404 404 404"),
    "api-v1:openapi-json": (None, "GET", "ok ok ok ok ok ok"),
    "api-v1:openapi-view": (None, "GET", "ok ok ok ok ok ok"),
    "areas:area-detail": (None, "GET", "ok ok 404 ok ok login"),
    "areas:area-list": (None, "GET", "ok ok ok ok ok login"),
    "areas:area-picker": (None, "GET", "ok ok ok ok ok login"),
    "core:about": (None, "GET", "ok ok ok ok ok ok"),
    "core:audit-export": (None, "GET", "ok 403 403 403 403 login"),
    "core:audit-list": (None, "GET", "ok 403 403 403 403 login"),
    "core:home": (None, "GET", "ok ok ok ok ok login"),
    "dci:client-list": ("dci_client", "GET", "ok 403 403 403 403 login"),
    "dci:client-revoke": ("dci_client", "POST", "ok 403 403 403 403 login"),
    "dci:sync-search": (None, "POST", "401 401 401 401 401 405"),
    "dci:sync-txn-status": (None, "POST", "401 401 401 401 401 405"),
    "dci:token": (None, "POST", "400 400 400 400 400 405"),
    "kube:activity-record": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:attachment-download": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:business-type-list": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:cash-export": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:cash-monthly": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:cash-reverse": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:cashbook": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:ewarung": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:ewarung-month": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:ewarung-open": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:ewarung-stockout-add": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:ewarung-stockout-end": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:flagged-export": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:flagged-list": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:kube-create": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:kube-detail": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:kube-export": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:kube-list": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:kube-stages": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:kube-status": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:kube-update": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:lpj": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:lpj-decide": ("kube", "GET", "ok 403 403 403 403 login"),
    "kube:lpj-line-remove": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:lpj-print": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:lpj-submit": ("kube", "POST", "ok ok ok ok 403 login"),
    "kube:member-add": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:member-export": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:member-leave": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:member-list": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:member-override": ("kube", "GET", "ok ok 403 403 403 login"),
    "kube:member-print": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:member-propose": ("kube", "POST", "404 404 404 404 404 login"),
    "kube:member-role": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:override-list": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:partnership-add": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:partnership-list": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:partnership-update": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:report-create": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:report-detail": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:report-list": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:report-update": ("kube", "GET", "ok ok ok ok 403 login"),
    "kube:stage-advance": ("kube", "GET", "ok ok 403 ok 403 login"),
    "kube:stimulus": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:stimulus-print": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:targeting-errors": ("kube", "GET", "ok ok ok ok ok login"),
    "kube:tranche-add": ("kube", "GET", "ok 403 403 403 403 login"),
    "offline:data": (None, "GET", "ok ok ok ok ok login"),
    "offline:forms": (None, "GET", "ok ok ok ok ok login"),
    "offline:manifest": (None, "GET", "ok ok ok ok ok ok"),
    "offline:service-worker": (None, "GET", "ok ok ok ok ok ok"),
    "mentoring:attendance-kube": ("kube", "GET", "ok ok ok ok ok login"),
    "mentoring:contact-create": (None, "GET", "ok ok ok ok 403 login"),
    "mentoring:contact-detail": ("contact", "GET", "ok ok ok ok ok login"),
    "mentoring:contact-remove": ("contact", "GET", "ok ok ok ok 403 login"),
    "mentoring:contact-export": (None, "GET", "ok ok ok ok 403 login"),
    "mentoring:contact-list": (None, "GET", "ok ok ok ok ok login"),
    "mentoring:contact-members": (None, "GET", "ok ok ok ok 403 login"),
    "mentoring:contact-photo": ("contact", "GET", "ok ok ok ok ok login"),
    "mentoring:kube-no-contact": (None, "GET", "ok ok ok ok ok login"),
    "mentoring:report-acknowledge": ("tksk_report", "POST", "400 400 404 400 400 login"),
    "mentoring:report-detail": ("tksk_report", "GET", "ok ok 404 ok ok login"),
    "mentoring:report-export": ("tksk_report", "GET", "ok ok 404 ok 403 login"),
    "mentoring:report-generate": ("tksk_report", "POST", "403 400 403 403 403 login"),
    "mentoring:report-list": ("tksk_report", "GET", "ok ok ok ok ok login"),
    "mentoring:report-print": ("tksk_report", "GET", "ok ok 404 ok ok login"),
    "mentoring:report-regenerate": ("tksk_report", "POST", "403 ok 404 403 403 login"),
    "mentoring:report-submit": ("tksk_report", "POST", "400 400 404 400 400 login"),
    "mentoring:report-update": ("tksk_report", "POST", "400 400 404 400 400 login"),
    "mentoring:role-analytics": (None, "GET", "ok ok ok ok ok login"),
    "mentoring:role-analytics-export": (None, "GET", "ok ok ok ok 403 login"),
    "mentoring:task-create": ("task", "GET", "ok ok ok ok 403 login"),
    "mentoring:task-list": ("task", "GET", "ok ok ok ok ok login"),
    "mentoring:task-status": ("task", "POST", "ok ok ok ok 404 login"),
    "puskesos:case-detail": ("case", "GET", "ok ok ok 404 404 login"),
    "puskesos:case-export": ("case", "GET", "ok ok ok 403 403 login"),
    "puskesos:case-intake": ("case", "GET", "ok ok ok 403 403 login"),
    "puskesos:case-list": ("case", "GET", "ok ok ok 403 403 login"),
    "puskesos:case-note-add": ("case", "GET", "ok ok ok 404 404 login"),
    "puskesos:case-return": ("case", "GET", "ok ok 403 404 404 login"),
    "puskesos:case-review": ("case", "GET", "ok ok 403 404 404 login"),
    "puskesos:case-status": ("case", "GET", "ok ok ok 404 404 login"),
    "puskesos:case-update": ("case", "GET", "ok ok ok 404 404 login"),
    "puskesos:document-download": ("document", "GET", "ok ok ok 404 404 login"),
    "puskesos:ppks-mapping": ("person", "GET", "ok ok ok ok ok login"),
    "puskesos:proposal-create": ("proposal", "GET", "ok ok ok 403 403 login"),
    "puskesos:proposal-detail": ("proposal", "GET", "ok ok ok 404 404 login"),
    "puskesos:proposal-export": ("proposal", "GET", "ok ok ok 403 403 login"),
    "puskesos:proposal-list": ("proposal", "GET", "ok ok ok ok ok login"),
    "puskesos:psks-create": ("psks", "GET", "ok ok 403 403 403 login"),
    "puskesos:psks-export": ("psks", "GET", "ok ok ok 403 403 login"),
    "puskesos:psks-list": ("psks", "GET", "ok ok ok ok ok login"),
    "puskesos:psks-update": ("psks", "GET", "ok ok 403 404 404 login"),
    "puskesos:referral-answer": ("referral", "GET", "ok ok ok ok ok ok", "skip"),
    "puskesos:referral-create": ("referral", "GET", "ok ok ok 404 404 login"),
    "puskesos:referral-detail": ("referral", "GET", "ok ok ok 404 404 login"),
    "puskesos:referral-export": ("referral", "GET", "ok ok ok 403 403 login"),
    "puskesos:referral-letter": ("referral", "GET", "ok ok ok 404 404 login"),
    "puskesos:referral-letter-issue": ("referral", "POST", "ok ok ok 404 404 login"),
    "puskesos:referral-list": ("referral", "GET", "ok ok ok 403 403 login"),
    "puskesos:referral-status": ("referral", "GET", "ok ok ok 404 404 login"),
    "puskesos:report": (None, "GET", "ok ok ok 403 403 login"),
    "puskesos:report-export": (None, "GET", "ok ok ok 403 403 login"),
    "registry:checklist-create": ("household", "GET", "ok ok ok 403 403 login"),
    "registry:duplicate-dismiss": ("person", "GET", "ok ok 403 403 403 login"),
    "registry:duplicate-list": ("person", "GET", "ok ok ok ok ok login"),
    "registry:household-create": ("household", "GET", "ok ok ok 403 403 login"),
    "registry:household-delete": ("household", "GET", "ok ok ok 403 403 login"),
    "registry:household-detail": ("household", "GET", "ok ok ok ok ok login"),
    "registry:household-export": ("household", "POST", "ok ok ok 403 403 login"),
    "registry:household-kk-change": ("household", "GET", "ok ok ok 403 403 login"),
    "registry:household-list": ("household", "GET", "ok ok ok ok ok login"),
    "registry:household-restore": ("removed_household", "GET", "ok ok ok 404 404 login"),
    "registry:household-update": ("household", "GET", "ok ok ok 403 403 login"),
    "registry:import-create": ("import_run", "GET", "ok ok ok 403 403 login"),
    "registry:import-detail": ("import_run", "GET", "ok ok 404 404 404 login"),
    "registry:import-list": ("import_run", "GET", "ok ok ok 403 403 login"),
    "registry:import-rejections": ("import_run", "GET", "ok ok 404 404 404 login"),
    "registry:person-create": ("household", "GET", "ok ok ok 403 403 login"),  # its pk is the household's
    "registry:person-delete": ("person", "GET", "ok ok ok 403 403 login"),
    "registry:person-detail": ("person", "GET", "ok ok ok ok ok login"),
    "registry:person-export": ("person", "POST", "ok ok ok 403 403 login"),
    "registry:person-list": ("person", "GET", "ok ok ok ok ok login"),
    "registry:person-merge": ("person", "GET", "ok ok 403 403 403 login"),
    "registry:person-restore": ("removed_person", "GET", "ok ok ok 404 404 login"),
    "registry:person-update": ("person", "GET", "ok ok ok 403 403 login"),
    "registry:ppks-create": ("person", "GET", "ok ok ok 403 403 login"),
    "registry:removed-list": (None, "GET", "ok ok ok 403 403 login"),
    "reports:dashboard": (None, "GET", "ok ok 404 ok ok login"),
    "reports:dashboard-home": (None, "GET", "ok ok ok ok ok login"),
    "set_language": (None, "GET", "ok ok ok ok ok ok"),
    "targeting:candidate-export": (None, "POST", "404 ok ok 403 403 login"),
    "targeting:candidate-list": (None, "GET", "ok ok ok ok ok login"),
    "targeting:result-detail": ("screening", "GET", "ok ok ok ok ok login"),
    "targeting:result-export": ("screening", "GET", "ok ok ok 403 403 login"),
    "targeting:result-list": ("screening", "GET", "ok ok ok ok ok login"),
    "targeting:ruleset-activate": ("rule_set", "POST", "ok 403 403 403 403 login"),
    "targeting:ruleset-create": ("rule_set", "GET", "ok 403 403 403 403 login"),
    "targeting:ruleset-detail": ("rule_set", "GET", "ok ok ok ok ok login", "404 ok ok ok ok"),
    "targeting:ruleset-list": ("rule_set", "GET", "ok ok ok ok ok login"),
    "targeting:ruleset-update": ("rule_set", "GET", "ok 403 403 403 403 login"),
    "targeting:screen-desa": (None, "GET", "ok ok ok ok 403 login"),
    "targeting:screen-person": (None, "POST", "ok ok ok ok 403 login"),
    "targeting:soft-criteria": ("screening", "GET", "ok ok ok ok 403 login"),
    "targeting:specialcase-create": ("special_case", "GET", "ok ok ok 403 403 login"),
    "targeting:specialcase-decide": ("special_case", "POST", "ok 403 403 403 403 login"),
    "targeting:specialcase-detail": ("special_case", "GET", "ok ok ok ok ok login"),
    "targeting:specialcase-document": ("special_case", "GET", "ok ok ok ok ok login"),
    "targeting:specialcase-list": ("special_case", "GET", "ok ok ok ok ok login"),
}

# POST bodies where an empty POST would stop at the form before the permission (so that a refusal is seen)
POST_DATA = {
    "targeting:specialcase-decide": {"decision": "reject", "reason": "Tidak memenuhi syarat"},
}

# API operation -> (expected per role "admin tksk fasilitator pendamping pengamat anonymous"); a POST is sent with
# a valid body (API_BODIES) by the roles expected to be refused only; out of scope every role gets 404.
API: dict[str, str] = {
    "POST /auth/token": "422 422 422 422 422 422",
    "GET /areas/{code}": "200 200 404 200 200 401",
    "GET /households": "200 200 200 200 200 401",
    "GET /households/{household_id}": "200 200 200 200 200 401",
    "GET /people": "200 200 200 200 200 401",
    "GET /people/{person_id}": "200 200 200 200 200 401",
    "GET /kube": "200 200 200 200 200 401",
    "GET /kube/{kube_id}": "200 200 200 200 200 401",
    "GET /visits": "200 200 200 200 200 401",
    "POST /visits": "ok ok ok ok 403 401",
    "GET /cases": "200 200 200 200 200 401",
    "GET /referrals": "200 200 200 200 200 401",
    "POST /kube/{kube_id}/members": "ok ok 403 ok 403 401",
    "POST /kube/{kube_id}/progress-reports": "ok ok ok ok 403 401",
}

# parameters other than `pk`, by name: the record of the side (in or out of scope) they are filled from
PARAMS = {
    "assignment_pk": "assignment",
    "document_pk": "special_case_document",
    "person_pk": "person",
    "member_pk": "kube_member",
    "attachment_pk": "attachment",
    "line_pk": "lpj_line",
    "entry_pk": "cash_entry",
    "partnership_pk": "partnership",
    "stockout_pk": "stockout",
    "photo_pk": "photo",
    "kube_pk": "kube",
    "case_pk": "case",
    "household_id": "household",
    "person_id": "person",
    "kube_id": "kube",
    "month": "month",
    "token": "token",
}
FIXED = {"kind": "bps_14", ("kube:activity-record", "code"): "T0.1"}


def fill(name: str, params: list[str], side, pk_kind: str | None) -> dict:
    values = {}
    for param in params:
        if (name, param) in FIXED:
            values[param] = FIXED[(name, param)]
        elif param in FIXED:
            values[param] = FIXED[param]
        elif param == "pk":
            values[param] = side.objects[pk_kind]
        elif param == "other":  # a second person of the same desa (merge, not-a-duplicate)
            values[param] = side.kube_member.person
        elif param == "code":
            values[param] = side.kecamatan
        else:
            values[param] = side.objects[PARAMS[param]]
    return {param: getattr(value, "pk", value) for param, value in values.items()}


def status_class(response) -> str:
    code = response.status_code
    if code == 302 and any(page in response.get("Location", "") for page in ("/akun/masuk/", "/admin/login/")):
        return "login"
    if code in (200, 302):
        return "ok"
    return str(code)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.fixture(scope="module")
def clients(world):  # noqa: F811
    made = {role: signed_in(world.users[role]) for role in ROLES}
    made["admin_bogor"] = signed_in(world.admin_bogor)
    made["anonymous"] = Client()
    return made


def out_of_scope_callers(world):  # noqa: F811
    """(column, client key, side): each role on the records of Kalapanunggal; the admin of Bogor on Kabandungan's."""
    yield "admin", "admin_bogor", world.mine
    for role in ROLES[1:]:
        yield role, role, world.other


def refused_out_of_scope(expected_in_scope: str) -> set[str]:
    return {"404", "403"} if expected_in_scope in ("403", "400", "401") else {"404"}


def test_every_route_is_in_the_matrix():
    missing_pages = sorted(set(url_routes()) - set(PAGES))
    missing_api = sorted(set(api_operations()) - set(API))
    assert not missing_pages and not missing_api, (
        "routes without an expectation in tests/security/test_permission_matrix.py "
        f"(add what each role should get): {missing_pages + missing_api}"
    )


@pytest.mark.parametrize("role", COLUMNS)
def test_every_page_answers_the_role_as_the_matrix_says(role, world, clients):  # noqa: F811
    """One test per role (so that xdist spreads them): every page in scope, then out of scope."""
    wrong = []
    scope_callers = {column: (key, side) for column, key, side in out_of_scope_callers(world)}
    for name, params in sorted(url_routes().items()):
        if name not in PAGES:
            continue  # reported by test_every_route_is_in_the_matrix
        pk_kind, method, expected, *override = PAGES[name]
        expected = dict(zip(COLUMNS, expected.split()))[role]
        url = route_url(name, params, fill(name, params, world.mine, pk_kind))
        got = status_class(clients[role].get(url))
        if method == "POST" and role != "anonymous":
            if got != "405":
                wrong.append(f"GET {name}: {got}, expected 405 (a form action)")
            got = status_class(clients[role].post(url, POST_DATA.get(name, {}))) if expected != "ok" else "ok"
        if got != expected:
            wrong.append(f"{method} {name}: {got}, expected {expected}")
        if not params or override == ["skip"] or role == "anonymous":
            continue
        key, side = scope_callers[role]
        other_url = route_url(name, params, fill(name, params, side, pk_kind))
        if method == "POST":
            got = status_class(clients[key].post(other_url, POST_DATA.get(name, {})))
        else:
            got = status_class(clients[key].get(other_url))
        outside = dict(zip(ROLES, override[0].split())) if override else {}
        allowed = {outside[role]} if role in outside else refused_out_of_scope(expected)
        if got not in allowed:
            wrong.append(f"{method} {name} out of scope: {got}, expected {'/'.join(sorted(allowed))}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


def api_bodies(side, world):  # noqa: F811
    """Valid bodies of the API's writes on `side`, so that only the permission can refuse them."""
    outsider = side.household.head  # in the kube's desa, not yet a member
    return {
        "POST /visits": {
            "contact_date": "2026-06-11",
            "target_kind": "kube",
            "kube_id": side.kube.pk,
            "method": "groupwork",
            "what_done": "Pertemuan bulanan",
            "roles": ["enabler"],
        },
        "POST /kube/{kube_id}/members": {"nik": outsider.nik, "joined_on": "2026-02-01"},
        "POST /kube/{kube_id}/progress-reports": {
            "month": "2026-03",
            "omzet": 1_500_000,
            "profit": 300_000,
            "capital": 2_000_000,
            "iks_collected": 30_000,
            "iks_used": 0,
            "active_members": 5,
            "business_status": "aktif",
        },
    }


def test_every_api_operation_answers_each_role_as_the_matrix_says(world, client):  # noqa: F811
    from pendamping.accounts.services import api_token_create

    tokens = {role: api_token_create(actor=world.users[role], name="matrix")[1] for role in ROLES}
    tokens["admin_bogor"] = api_token_create(actor=world.admin_bogor, name="matrix")[1]

    def call(operation, params, key, side):
        method, url = api_url(operation, fill(operation, params, side, None))
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[key]}"} if key in tokens else {}
        if method == "GET":
            return client.get(url, **headers)
        body = api_bodies(side, world).get(operation, {})
        return client.post(url, json.dumps(body), content_type="application/json", **headers)

    wrong = []
    for operation, params in api_operations().items():
        if operation not in API:
            continue
        expected = dict(zip(COLUMNS, API[operation].split()))
        for role in COLUMNS:
            if expected[role] == "ok":
                continue  # a write allowed to this role: tested in tests/api
            got = str(call(operation, params, role, world.mine).status_code)
            if got != expected[role]:
                wrong.append(f"{operation} as {role}: {got}, expected {expected[role]}")
        if not params:
            continue
        for role, key, side in out_of_scope_callers(world):
            got = call(operation, params, key, side).status_code
            if operation == "GET /areas/{code}" and role == "admin":
                side = world.other  # the admin of Bogor asks for Kalapanunggal
                got = call(operation, params, key, side).status_code
            if str(got) not in refused_out_of_scope(expected[role]):
                wrong.append(f"{operation} out of scope as {role}: {got}, expected 404")
    for role in ("pendamping", "pengamat"):  # no puskesos.view: the desk's lists answer, empty
        for operation in ("GET /cases", "GET /referrals"):
            body = call(operation, [], role, world.mine).json()
            if body["count"] or body["items"]:
                wrong.append(f"{operation} as {role}: {body['count']} items of the Puskesos desk, expected none")
    assert not wrong, "\n".join(wrong)
