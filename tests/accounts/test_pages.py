"""Account pages: log in, lockout, sessions, the users an admin manages, and Django admin for superusers only."""

import pytest
from django.conf import settings

from pendamping.accounts.models import User
from pendamping.accounts.vocab import Role
from pendamping.core.models import AuditEvent
from tests.conftest import CIPEUTEUY, PASSWORD


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")
    assert client.get("/akun/masuk/").status_code == 200


def test_five_failed_logins_lock_the_username_for_15_minutes(client, tksk_kabandungan):
    for _ in range(5):
        response = client.post("/akun/masuk/", {"username": "tksk.kabandungan", "password": "salah"})
    assert response.status_code == 429
    # even the right password is refused while locked
    response = client.post("/akun/masuk/", {"username": "tksk.kabandungan", "password": PASSWORD})
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_a_wrong_password_is_explained_on_the_login_page(client, tksk_kabandungan):
    response = client.post("/akun/masuk/", {"username": "tksk.kabandungan", "password": "salah"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_sessions_end_after_inactivity(login, tksk_kabandungan):
    client = login(tksk_kabandungan)
    client.get("/")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_IDLE_MINUTES * 60
    assert cookie["httponly"]
    # a request pushes the end forward when it was last pushed a minute or more ago (not a write on every request)
    assert settings.SESSION_COOKIE_NAME not in client.get("/").cookies
    session = client.session
    session["_idle_touched"] -= settings.SESSION_TOUCH_SECONDS
    session.save()
    pushed = client.get("/").cookies[settings.SESSION_COOKIE_NAME]
    assert pushed["max-age"] == settings.SESSION_IDLE_MINUTES * 60
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/").status_code == 302


def test_the_app_speaks_indonesian_by_default_and_english_on_request(login, tksk_kabandungan):
    client = login(tksk_kabandungan)
    assert client.get("/").content.decode().startswith('<!doctype html>\n\n<html lang="id">')
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_navigation_follows_the_role(login, tksk_kabandungan, admin_sukabumi):
    tksk_nav = [item["url"] for item in login(tksk_kabandungan).get("/").context["nav_items"]]
    assert "/akun/pengguna/" not in tksk_nav and "/audit/" not in tksk_nav and "/wilayah/" in tksk_nav
    admin_nav = [item["url"] for item in login(admin_sukabumi).get("/").context["nav_items"]]
    assert "/akun/pengguna/" in admin_nav and "/audit/" in admin_nav


def test_home_shows_the_users_areas_and_what_they_hold(login, tksk_kabandungan, fasilitator_cipeuteuy, make_user):
    make_user("pendamping.agus", Role.PENDAMPING, "32.02.19")
    response = login(tksk_kabandungan).get("/")
    [summary] = response.context["summary"]
    assert summary["area"].code == "32.02.19"
    assert summary["levels"] == {"desa": 6}
    assert summary["workers"] == {"tksk": 1, "fasilitator": 1, "pendamping": 1}
    assert "Kecamatan Kabandungan" in response.content.decode()


def test_admin_lists_only_users_of_their_kabupaten(login, admin_sukabumi, admin_bogor, tksk_kabandungan):
    client = login(admin_sukabumi)
    usernames = [u.username for u in client.get("/akun/pengguna/").context["page"]]
    assert "tksk.kabandungan" in usernames and "admin.bogor" not in usernames
    assert client.get(f"/akun/pengguna/{admin_bogor.pk}/").status_code == 404
    assert client.get(f"/akun/pengguna/{admin_bogor.pk}/ubah/").status_code == 404
    assert client.get(f"/akun/pengguna/{tksk_kabandungan.pk}/").status_code == 200


def test_user_list_queries_do_not_grow_with_users(login, admin_sukabumi, make_user, django_assert_max_num_queries):
    for i in range(25):
        make_user(f"fasilitator.{i}", Role.FASILITATOR, CIPEUTEUY)
    client = login(admin_sukabumi)
    with django_assert_max_num_queries(10):
        response = client.get("/akun/pengguna/")
    assert len(response.context["page"]) == 25


def test_tksk_cannot_open_user_management(login, tksk_kabandungan):
    assert login(tksk_kabandungan).get("/akun/pengguna/").status_code == 403


def test_creating_a_user_shows_each_error_beside_its_field_and_saves_nothing(login, admin_sukabumi):
    client = login(admin_sukabumi)
    before = User.objects.count()
    response = client.post(
        "/akun/pengguna/baru/",
        {
            "username": "admin.sukabumi",
            "full_name": "Orang Baru",
            "role": "tksk",
            "area_code": "32.02.77",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "32.02.77" in errors["area_code"][0]
    assert User.objects.count() == before
    # the form is kept, so nothing typed is lost
    assert response.context["form"]["full_name"].value() == "Orang Baru"

    response = client.post(
        "/akun/pengguna/baru/",
        {
            "username": "admin.sukabumi",
            "full_name": "Orang Baru",
            "role": "tksk",
            "area_code": "32.02.19",
            "password1": "123",
            "password2": "123",
        },
    )
    assert "admin.sukabumi" in response.context["form"].errors["username"][0]


def test_admin_creates_a_user_through_the_form(login, admin_sukabumi):
    client = login(admin_sukabumi)
    response = client.post(
        "/akun/pengguna/baru/",
        {
            "username": "fasilitator.baru",
            "full_name": "Neng Sari",
            "role": "fasilitator",
            "area_code": CIPEUTEUY,
            "password1": "Cipeuteuy-Desa-2026",
            "password2": "Cipeuteuy-Desa-2026",
        },
    )
    user = User.objects.get(username="fasilitator.baru")
    assert response.status_code == 302 and response["Location"] == f"/akun/pengguna/{user.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "Neng Sari" in detail and "Cipeuteuy" in detail


def test_admin_ends_an_assignment_with_a_reason(login, admin_sukabumi, tksk_kabandungan):
    client = login(admin_sukabumi)
    assignment = tksk_kabandungan.role_assignments.get()
    url = f"/akun/pengguna/{tksk_kabandungan.pk}/peran/{assignment.pk}/akhiri/"
    response = client.post(url, {"reason": ""})
    assert "reason" in response.context["form"].errors
    assert client.post(url, {"reason": "pensiun"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert AuditEvent.objects.filter(action="role_assignment.end", reason="pensiun").exists()


def test_a_user_changes_their_password(login, tksk_kabandungan):
    client = login(tksk_kabandungan)
    response = client.post(
        "/akun/profil/kata-sandi/",
        {"old_password": PASSWORD, "new_password1": "Gunung-Halimun-77", "new_password2": "Gunung-Halimun-77"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still logged in after the change
    tksk_kabandungan.refresh_from_db()
    assert tksk_kabandungan.check_password("Gunung-Halimun-77")


@pytest.mark.parametrize("username", ["admin.sukabumi", "tksk.kabandungan"])
def test_django_admin_is_for_superusers_only(login, admin_sukabumi, tksk_kabandungan, username):
    user = User.objects.get(username=username)
    user.is_staff = True  # even a staff flag gives no way in
    user.save()
    response = login(user).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_superuser_opens_django_admin(client, system):
    client.force_login(system)
    assert client.get("/admin/").status_code == 200


def test_admin_unlocks_a_locked_worker_and_it_is_audited(client, login, admin_sukabumi, tksk_kabandungan):
    for _ in range(5):
        client.post("/akun/masuk/", {"username": "tksk.kabandungan", "password": "salah"})
    admin = login(admin_sukabumi)
    detail = admin.get(f"/akun/pengguna/{tksk_kabandungan.pk}/")
    assert detail.context["locked"]
    assert admin.post(f"/akun/pengguna/{tksk_kabandungan.pk}/buka-kunci/").status_code == 302
    assert not admin.get(f"/akun/pengguna/{tksk_kabandungan.pk}/").context["locked"]
    assert AuditEvent.objects.filter(action="user.unlock", actor=admin_sukabumi).exists()
    admin.logout()
    response = client.post("/akun/masuk/", {"username": "tksk.kabandungan", "password": PASSWORD})
    assert response.status_code == 302


def test_the_stylesheet_and_htmx_are_served(client, db):
    assert client.get("/static/pendamping/app.css").status_code == 200
    assert client.get("/static/pendamping/htmx.min.js").status_code == 200


def test_not_found_and_not_allowed_pages_keep_the_layout(login, tksk_kabandungan):
    client = login(tksk_kabandungan)
    missing = client.get("/wilayah/32.02.18/")
    assert missing.status_code == 404 and 'href="/"' in missing.content.decode()
    assert "Kalapanunggal" not in missing.content.decode()
    refused = client.get("/akun/pengguna/")
    assert refused.status_code == 403 and "users.manage" in refused.content.decode()
