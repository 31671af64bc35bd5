"""One world of records for the security tests, made once per module through the services: users of every role
scoped to Kabandungan (Cipeuteuy), and the same kinds of record in Kabandungan ("mine") and in Kalapanunggal
("other"), so that every route can be called on an object in scope and on one out of scope.

`module_world` builds it inside an outer transaction that is rolled back when the module ends (the pattern of
TestCase.setUpTestData), so the tests of other modules never see it.
"""

import datetime
import io
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from pendamping.accounts.services import api_token_create, user_create
from pendamping.accounts.vocab import Role
from pendamping.areas.models import Area
from pendamping.core.system import system_actor
from pendamping.registry.nik import make_nik
from tests.conftest import BOGOR, CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL, PASSWORD, SUKABUMI, _area_slice_rows

KALAPANUNGGAL_DESA = "32.02.18.2001"
ROLES = ("admin", "tksk", "fasilitator", "pendamping", "pengamat")
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@dataclass
class Side:
    """The records of one kecamatan, by the name a URL parameter gives them."""

    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class World:
    users: dict
    mine: Side
    other: Side
    admin_bogor: object
    media_root: str


def _user(system, username, role, area):
    return user_create(
        actor=system,
        username=username,
        full_name=username.replace(".", " ").title(),
        password=PASSWORD,
        role=role,
        area_code=area,
    )


def _side(actor, fasilitator, *, desa, serial, kecamatan, name, rule_set):
    from pendamping.kube.models import CashEntry
    from pendamping.kube.services import groups, money
    from pendamping.kube.services import progress as kube_progress
    from pendamping.mentoring.services import contacts, reports
    from pendamping.puskesos.services import referrals, register
    from pendamping.registry.models import ImportRun
    from pendamping.targeting import services as targeting
    from pendamping.targeting.models import ScreeningResult
    from tests.kube.helpers import FORMED, add_members, eligible_people, make_kube
    from tests.mentoring.helpers import record
    from tests.puskesos.helpers import make_case
    from tests.registry.test_services import make_household

    side = Side()
    o = side.objects
    household = make_household(actor, serial=serial, desa=desa)
    o["household"], o["person"] = household, household.head
    kube = make_kube(actor, desa=desa, name=name)
    people = eligible_people(actor, 5, first_serial=serial + 1, desa=desa, rule_set=rule_set)
    add_members(actor, kube, people)
    kube = groups.kube_update(actor=actor, kube=kube, bank_name="BRI", bank_account_number="0123456789")
    o["kube"] = kube
    o["kube_member"] = kube.members.order_by("pk").first()
    o["screening"] = ScreeningResult.objects.filter(person__in=people).order_by("pk").first()
    o["contact"] = record(
        actor, kube=kube, photos=[SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png")]
    )
    o["photo"] = o["contact"].photos.first()
    o["task"] = contacts.task_add(actor=actor, desa_code=desa, title="Kunjungi", assignee=actor, due_on=FORMED)
    o["tksk_report"] = reports.report_generate(
        actor=actor, kecamatan_code=kecamatan, month=datetime.date(2026, 6, 1), today=datetime.date(2026, 7, 15)
    )
    case_actor = fasilitator or actor
    o["case"] = make_case(case_actor, household_actor=actor, desa=desa)
    o["referral"] = referrals.referral_create(
        actor=case_actor, case=o["case"], sector="kesehatan", office="Puskesmas", reason="Mohon layanan PBI-JK"
    )
    o["token"] = referrals.referral_token_issue(actor=case_actor, referral=o["referral"])
    proposal_case = make_case(case_actor, household_actor=actor, desa=desa, in_dtks=False)
    o["proposal"] = proposal_case.proposal
    o["document"] = register.document_store(
        actor=case_actor,
        desa=Area.objects.get(code=desa),
        field="ktp",
        uploaded=SimpleUploadedFile("ktp.pdf", PDF, content_type="application/pdf"),
    )
    o["psks"] = register.psks_add(actor=actor, kind="karang_taruna", name="Karang Taruna", desa_code=desa, members=9)
    partnership = kube_progress.partnership_add(
        actor=actor,
        kube=kube,
        partner_name="Koperasi",
        partner_kind="koperasi",
        kind="pemasaran",
        agreement_date=FORMED,
        document=SimpleUploadedFile("mou.pdf", PDF, content_type="application/pdf"),
    )
    o["partnership"], o["attachment"] = partnership, partnership.document
    month = datetime.date(2026, 2, 1)
    kube_progress.progress_report_submit(
        actor=actor,
        kube=kube,
        month=month,
        omzet=3_000_000,
        profit=500_000,
        capital=2_000_000,
        iks_collected=50_000,
        iks_used=0,
        active_members=5,
        business_status="aktif",
        assessed=[],
    )
    o["month"] = month.strftime("%Y-%m")
    ewarung = kube_progress.ewarung_open(
        actor=actor, kube=kube, name="e-Warung", bank_agent="BNI", opened_on=FORMED, address="Kp. Cipeuteuy"
    )
    o["stockout"] = kube_progress.ewarung_stockout_add(
        actor=actor, ewarung=ewarung, item="Beras", reason="Pasokan terlambat", started_on=FORMED
    )
    o["lpj_line"] = money.lpj_line_add(
        actor=actor, kube=kube, spent_on=datetime.date(2026, 3, 2), description="Pakan", amount=1
    )
    money.cash_entry_add(
        actor=actor,
        kube=kube,
        entry_date=datetime.date(2026, 2, 2),
        direction="in",
        category="penjualan",
        amount=10_000,
        description="jual",
    )
    o["cash_entry"] = CashEntry.objects.filter(kube=kube).order_by("pk").first()
    special = targeting.special_case_propose(
        actor=actor,
        area_code=desa,
        kind="bencana_alam",
        reason="Banjir bandang 3 Oktober 2026.",
        person_ids=[household.head.pk],
        documents=[SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")],
    )
    o["special_case"], o["special_case_document"] = special, special.documents.first()
    o["import_run"] = ImportRun.objects.create(
        actor=actor,
        actor_username=actor.get_username(),
        area_code=kecamatan,
        source="command",
        file_name="data.csv",
        file_sha256="0" * 64,
        file_size=1,
        file_format="csv",
        encoding="utf-8",
    )
    from pendamping.registry import services as registry

    removed = make_household(actor, serial=serial + 20, desa=desa)
    o["removed_household"] = registry.household_delete(actor=actor, household=removed, reason="uji")
    gone = registry.person_add(
        actor=actor,
        household=household,
        nik=make_nik(kecamatan, datetime.date(2001, 2, 3), "P", serial + 21),
        name="Siti",
        sex="P",
        birth_date=datetime.date(2001, 2, 3),
        relation="anak",
    )
    o["removed_person"] = registry.person_delete(actor=actor, person=gone, reason="uji")
    o["desa"], o["kecamatan"] = desa, kecamatan
    return side


def build_world(media_root) -> World:
    from tests.targeting.helpers import make_rule_set

    Area.objects.bulk_create([Area(code=c, name=n, level=lv, parent_id=p) for c, n, lv, p in _area_slice_rows()])
    system = system_actor()
    users = {
        "admin": _user(system, "admin.sukabumi", Role.ADMIN, SUKABUMI),
        "tksk": _user(system, "tksk.kabandungan", Role.TKSK, KABANDUNGAN),
        "fasilitator": _user(system, "fasilitator.cipeuteuy", Role.FASILITATOR, CIPEUTEUY),
        "pendamping": _user(system, "pendamping.kabandungan", Role.PENDAMPING, KABANDUNGAN),
        "pengamat": _user(system, "pengamat.kabandungan", Role.PENGAMAT, KABANDUNGAN),
    }
    tksk_other = _user(system, "tksk.kalapanunggal", Role.TKSK, KALAPANUNGGAL)
    admin_bogor = _user(system, "admin.bogor", Role.ADMIN, BOGOR)
    rule_set = make_rule_set(system)
    mine = _side(
        users["tksk"],
        users["fasilitator"],
        desa=CIPEUTEUY,
        serial=10,
        kecamatan=KABANDUNGAN,
        name="KUBE Mekar Jaya",
        rule_set=rule_set,
    )
    other = _side(
        tksk_other,
        None,
        desa=KALAPANUNGGAL_DESA,
        serial=40,
        kecamatan=KALAPANUNGGAL,
        name="KUBE Kalapa",
        rule_set=rule_set,
    )
    for side in (mine, other):
        side.objects["rule_set"] = rule_set
    mine.objects["api_token"] = api_token_create(actor=users["tksk"], name="uji")[0]
    other.objects["api_token"] = api_token_create(actor=tksk_other, name="uji")[0]
    from pendamping.dci.services import dci_client_create

    mine.objects["dci_client"] = dci_client_create(actor=users["admin"], name="SIKS", area_codes=[SUKABUMI])[0]
    other.objects["dci_client"] = dci_client_create(actor=admin_bogor, name="SIKS Bogor", area_codes=[BOGOR])[0]
    mine.objects["user"], other.objects["user"] = users["tksk"], tksk_other
    mine.objects["assignment"] = users["tksk"].role_assignments.first()
    other.objects["assignment"] = tksk_other.role_assignments.first()
    return World(users, mine, other, admin_bogor, str(media_root))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHER):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world(media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
