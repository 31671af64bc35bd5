"""Accounts and role assignments: every change through a service that checks the actor, validates and audits."""

import pytest
from django.core.exceptions import ValidationError

from pendamping.accounts.models import RoleAssignment, User
from pendamping.accounts.services import (
    password_change,
    role_assignment_add,
    role_assignment_end,
    user_create,
    user_password_set,
    user_update,
)
from pendamping.accounts.vocab import Role
from pendamping.core.errors import NotAllowed
from pendamping.core.models import AuditEvent
from tests.conftest import BOGOR, CIPEUTEUY, KABANDUNGAN, PASSWORD


def _create(actor, **overrides):
    values = {
        "username": "fasilitator.baru",
        "full_name": "Neng Sari",
        "password": "Cipeuteuy-Desa-2026",
        "role": Role.FASILITATOR,
        "area_code": CIPEUTEUY,
    }
    values.update(overrides)
    return user_create(actor=actor, **values)


def _counts():
    return User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()


def test_admin_creates_a_fasilitator_in_their_kabupaten_and_it_is_audited(admin_sukabumi):
    user = _create(admin_sukabumi)
    assert user.check_password("Cipeuteuy-Desa-2026")
    assert list(user.role_assignments.values_list("role", "area_id")) == [(Role.FASILITATOR, CIPEUTEUY)]
    created = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert created.actor == admin_sukabumi and created.area_code == CIPEUTEUY
    assert created.changes["full_name"] == {"before": None, "after": "Neng Sari"}
    assert "password" not in created.changes
    assigned = AuditEvent.objects.get(action="role_assignment.add", area_code=CIPEUTEUY)
    assert assigned.changes["role"] == {"before": None, "after": "fasilitator"}


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"area_code": "32.02.19.9999"}, "area_code", "32.02.19.9999"),
        ({"area_code": "bukan-kode"}, "area_code", "bukan-kode"),
        ({"username": "ADMIN.SUKABUMI"}, "username", "ADMIN.SUKABUMI"),
        ({"username": "nama dengan spasi"}, "username", "nama dengan spasi"),
        ({"password": "12345678901"}, "password", ""),
        ({"password": "pendek"}, "password", ""),
        ({"role": Role.TKSK}, "area_code", "Cipeuteuy"),
        ({"full_name": "  "}, "full_name", ""),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(admin_sukabumi, overrides, field, words):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        _create(admin_sukabumi, **overrides)
    messages = error.value.message_dict[field]
    assert messages and words in " ".join(messages)
    assert _counts() == before


def test_admin_cannot_create_or_assign_outside_their_own_kabupaten(admin_sukabumi, tksk_kabandungan):
    before = _counts()
    with pytest.raises(NotAllowed):
        _create(admin_sukabumi, role=Role.TKSK, area_code=BOGOR + ".01")
    with pytest.raises(NotAllowed):
        role_assignment_add(actor=admin_sukabumi, user=tksk_kabandungan, role=Role.ADMIN, area_code=BOGOR)
    assert _counts() == before


def test_tksk_and_pengamat_cannot_create_accounts(tksk_kabandungan, pengamat_sukabumi):
    for actor in (tksk_kabandungan, pengamat_sukabumi):
        with pytest.raises(NotAllowed):
            _create(actor)


def test_user_update_records_before_and_after_and_reason(admin_sukabumi, tksk_kabandungan):
    user_update(
        actor=admin_sukabumi,
        user=tksk_kabandungan,
        full_name="Asep Saepudin",
        phone="0812-1111-2222",
        is_active=False,
        reason="cuti panjang",
    )
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes == {
        "is_active": {"before": True, "after": False},
        "phone": {"before": "", "after": "0812-1111-2222"},
    }
    assert event.reason == "cuti panjang" and event.area_code == KABANDUNGAN


def test_saving_without_changes_writes_no_audit_event(admin_sukabumi, tksk_kabandungan):
    before = AuditEvent.objects.count()
    user_update(actor=admin_sukabumi, user=tksk_kabandungan, full_name="Asep Saepudin")
    assert AuditEvent.objects.count() == before


def test_admin_cannot_manage_a_user_of_another_kabupaten(admin_bogor, tksk_kabandungan):
    with pytest.raises(NotAllowed):
        user_update(actor=admin_bogor, user=tksk_kabandungan, full_name="X")
    with pytest.raises(NotAllowed):
        user_password_set(actor=admin_bogor, user=tksk_kabandungan, password="Sesuatu-Baru-2026")
    tksk_kabandungan.refresh_from_db()
    assert tksk_kabandungan.full_name == "Asep Saepudin"


def test_admin_cannot_deactivate_themselves(admin_sukabumi):
    with pytest.raises(ValidationError) as error:
        user_update(actor=admin_sukabumi, user=admin_sukabumi, full_name="Euis", is_active=False)
    assert "is_active" in error.value.message_dict


def test_assignments_are_added_and_ended_with_a_reason_and_audited(admin_sukabumi, tksk_kabandungan):
    second = role_assignment_add(
        actor=admin_sukabumi, user=tksk_kabandungan, role=Role.PENDAMPING, area_code=KABANDUNGAN, reason="tugas"
    )
    with pytest.raises(ValidationError) as duplicate:
        role_assignment_add(actor=admin_sukabumi, user=tksk_kabandungan, role=Role.PENDAMPING, area_code=KABANDUNGAN)
    assert "area_code" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        role_assignment_end(actor=admin_sukabumi, assignment=second, reason=" ")
    assert "reason" in no_reason.value.message_dict
    role_assignment_end(actor=admin_sukabumi, assignment=second, reason="selesai tugas")
    second.refresh_from_db()
    assert second.ended_at is not None
    event = AuditEvent.objects.get(action="role_assignment.end")
    assert event.changes["ended_at"]["before"] is None and event.changes["ended_at"]["after"]
    assert event.reason == "selesai tugas"
    with pytest.raises(ValidationError):
        role_assignment_end(actor=admin_sukabumi, assignment=second, reason="lagi")


def test_password_change_needs_the_current_password_and_records_only_the_fact(tksk_kabandungan):
    with pytest.raises(ValidationError) as wrong:
        password_change(actor=tksk_kabandungan, old_password="salah", new_password="Gunung-Halimun-77")
    assert "old_password" in wrong.value.message_dict
    with pytest.raises(ValidationError) as weak:
        password_change(actor=tksk_kabandungan, old_password=PASSWORD, new_password="password")
    assert "new_password1" in weak.value.message_dict
    password_change(actor=tksk_kabandungan, old_password=PASSWORD, new_password="Gunung-Halimun-77")
    assert tksk_kabandungan.check_password("Gunung-Halimun-77")
    event = AuditEvent.objects.get(action="user.password_change")
    assert "Gunung" not in str(event.changes) and PASSWORD not in str(event.changes)


def test_passwords_are_hashed_with_argon2(settings, system, areas):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    from django.conf import settings as live

    from pendamping import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = _create(system)
    assert user.password.startswith("argon2$") and live.PASSWORD_HASHERS
