"""Scoping: what a user may see is the subtree of their assignments' areas; anything else is a 404."""

import pytest
from django.http import Http404
from django.utils import timezone

from pendamping.accounts.services import role_assignment_end
from pendamping.accounts.vocab import Role
from pendamping.areas.models import Area
from pendamping.areas.selectors import area_get
from pendamping.core.scoping import minimal_codes, scope_codes, scoped, user_covers
from tests.conftest import CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL, SUKABUMI


def _visible(user) -> set[str]:
    return set(scoped(Area.objects.all(), user, "code", "areas.view").values_list("code", flat=True))


def test_tksk_sees_kabandungan_and_its_six_desa_and_nothing_else(tksk_kabandungan):
    assert _visible(tksk_kabandungan) == {KABANDUNGAN} | {f"{KABANDUNGAN}.200{i}" for i in range(1, 7)}


def test_tksk_of_kabandungan_gets_404_for_kalapanunggal_and_its_desa(tksk_kabandungan):
    assert area_get(actor=tksk_kabandungan, code=CIPEUTEUY).name == "Cipeuteuy"
    for code in (KALAPANUNGGAL, KALAPANUNGGAL + ".2001", SUKABUMI, "32", "99.99"):
        with pytest.raises(Http404):
            area_get(actor=tksk_kabandungan, code=code)


def test_fasilitator_sees_only_their_desa(fasilitator_cipeuteuy):
    assert _visible(fasilitator_cipeuteuy) == {CIPEUTEUY}


def test_admin_sees_the_whole_kabupaten_and_not_the_next_one(admin_sukabumi):
    visible = _visible(admin_sukabumi)
    assert len(visible) == 1 + 47 + 386
    assert not any(code.startswith("32.01") for code in visible)


def test_a_user_with_two_assignments_sees_both_areas(make_user, system):
    from pendamping.accounts.services import role_assignment_add

    user = make_user("pendamping.dua", Role.PENDAMPING, KABANDUNGAN)
    role_assignment_add(actor=system, user=user, role=Role.PENDAMPING, area_code=KALAPANUNGGAL)
    assert scope_codes(user) == [KALAPANUNGGAL, KABANDUNGAN]


def test_an_ended_assignment_no_longer_gives_access(tksk_kabandungan, system):
    assignment = tksk_kabandungan.role_assignments.get()
    role_assignment_end(actor=system, assignment=assignment, reason="mutasi")
    assert _visible(tksk_kabandungan) == set()
    with pytest.raises(Http404):
        area_get(actor=tksk_kabandungan, code=KABANDUNGAN)


def test_an_inactive_or_anonymous_user_sees_nothing(tksk_kabandungan):
    from django.contrib.auth.models import AnonymousUser

    tksk_kabandungan.is_active = False
    assert _visible(tksk_kabandungan) == set()
    assert _visible(AnonymousUser()) == set()


def test_superuser_sees_everything(system):
    assert scope_codes(system) is None
    assert len(_visible(system)) == Area.objects.count()


def test_capabilities_limit_scope_to_the_roles_that_hold_them(tksk_kabandungan, admin_sukabumi, pengamat_sukabumi):
    assert user_covers(admin_sukabumi, CIPEUTEUY, "users.manage")
    assert not user_covers(tksk_kabandungan, CIPEUTEUY, "users.manage")
    assert user_covers(pengamat_sukabumi, CIPEUTEUY, "areas.view")
    assert not user_covers(pengamat_sukabumi, CIPEUTEUY, "users.manage")
    assert not user_covers(pengamat_sukabumi, CIPEUTEUY, "audit.view")


def test_minimal_codes_drop_areas_already_covered():
    assert minimal_codes(["32.02.19.2001", "32.02.19", "32.02.18", "32.02.19"]) == ["32.02.18", "32.02.19"]
    assert minimal_codes(["32.02.1", "32.02.19"]) == ["32.02.1", "32.02.19"]  # a prefix of digits is not an area


def test_scope_is_read_once_per_request(tksk_kabandungan, django_assert_num_queries):
    tksk_kabandungan.refresh_from_db()
    with django_assert_num_queries(1):
        for _ in range(5):
            scope_codes(tksk_kabandungan)
    assert timezone.now()
