"""Registry pages through the test client: search, filters, masking, forms with errors beside their fields, the
stale-edit guard, read-only roles, scoping (404 outside one's area) and the XLSX export."""

import datetime
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from pendamping.accounts.vocab import Role
from pendamping.core.models import AuditEvent
from pendamping.registry import services
from pendamping.registry.models import Household, Person
from pendamping.registry.nik import make_nik
from pendamping.registry.vocab import KkChangeReason, PkhStatus, PovertyClass
from tests.conftest import CIPEUTEUY, KABANDUNGAN
from tests.registry.test_services import KALAPANUNGGAL_DESA, add_member, kk_number, make_household

KABANDUNGAN_DESA = KABANDUNGAN + ".2001"
LIST = "/registri/"


def household_url(household, action: str = "") -> str:
    return f"/registri/keluarga/{household.pk}/" + (f"{action}/" if action else "")


def listed(response) -> list[Household]:
    return list(response.context["page"])


def read_xlsx(response) -> list[list]:
    """The first sheet of a downloaded XLSX, as rows of values (what Excel would show)."""
    content = b"".join(response.streaming_content)
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{ns}t")) for si in root.iter(f"{ns}si")]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{ns}row"):
        values = {}
        for cell in row.iter(f"{ns}c"):
            letters = re.match(r"[A-Z]+", cell.get("r")).group()
            column = 0
            for letter in letters:
                column = column * 26 + ord(letter) - 64
            kind = cell.get("t")
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter(f"{ns}t"))
            elif kind == "s":
                value = shared[int(cell.find(f"{ns}v").text)]
            else:
                number = float(cell.find(f"{ns}v").text)
                value = int(number) if number.is_integer() else number
            values[column - 1] = value
        rows.append([values.get(i) for i in range(max(values) + 1)] if values else [])
    return rows


@pytest.fixture
def kabandungan(tksk_kabandungan):
    """Three families of Kabandungan, of different desa, desil, PKH status and poverty."""
    return [
        make_household(
            tksk_kabandungan,
            serial=1,
            desa=CIPEUTEUY,
            head={
                "name": "Ëlis Núrhayati",
                "sex": "P",
                "nik": make_nik(KABANDUNGAN, datetime.date(1980, 5, 17), "P", 1),
            },
            desil=1,
            pkh_status=PkhStatus.AKTIF,
            monthly_income=900_000,
            basic_needs_cost=2_400_000,
        ),
        make_household(
            tksk_kabandungan,
            serial=2,
            desa=CIPEUTEUY,
            head={"name": "Ujang Hermawan"},
            desil=3,
            pkh_status=PkhStatus.TRANSISI,
            monthly_income=2_000_000,
            basic_needs_cost=2_400_000,
        ),
        make_household(
            tksk_kabandungan,
            serial=3,
            desa=KABANDUNGAN_DESA,
            head={"name": "Dadang Supriatna"},
            desil=3,
            monthly_income=3_000_000,
            basic_needs_cost=2_400_000,
        ),
    ]


@pytest.fixture
def kalapanunggal(tksk_kalapanunggal):
    return make_household(tksk_kalapanunggal, serial=9, desa=KALAPANUNGGAL_DESA, head={"name": "Ujang Kalapa"})


def test_tksk_finds_a_household_by_a_members_nik(login, tksk_kabandungan, kabandungan, kalapanunggal):
    target = kabandungan[1]
    child = add_member(tksk_kabandungan, target, name="Neng Rosita", born=datetime.date(2010, 8, 9), serial=4)
    client = login(tksk_kabandungan)
    assert listed(client.post(LIST, {"q": child.nik})) == [target]
    spaced = f"{child.nik[:6]} {child.nik[6:12]}.{child.nik[12:]}"
    assert listed(client.post(LIST, {"q": spaced})) == [target]
    assert listed(client.post(LIST, {"q": kalapanunggal.head.nik})) == []  # outside the kecamatan: not found


def test_tksk_finds_a_household_by_name_ignoring_case_and_accents(login, tksk_kabandungan, kabandungan):
    client = login(tksk_kabandungan)
    for typed in ("elis nurhayati", "ELIS", "Élis  Nurhayatí", "nurhay"):
        assert listed(client.post(LIST, {"q": typed})) == [kabandungan[0]], typed
    assert listed(client.post(LIST, {"q": "ujang"})) == [kabandungan[1]]  # not Ujang Kalapa of Kalapanunggal


def test_tksk_finds_a_household_by_its_old_kk_number(login, tksk_kabandungan, kabandungan):
    household = kabandungan[2]
    old = household.no_kk
    services.household_kk_change(
        actor=tksk_kabandungan,
        household=household,
        no_kk=kk_number(50),
        change_reason=KkChangeReason.PINDAH,
        changed_on=timezone.localdate(),
    )
    client = login(tksk_kabandungan)
    assert listed(client.post(LIST, {"q": old})) == [household]
    assert listed(client.post(LIST, {"q": kk_number(50)})) == [household]


def test_a_number_that_is_not_16_digits_is_explained_not_searched_as_a_name(login, tksk_kabandungan, kabandungan):
    response = login(tksk_kabandungan).post(LIST, {"q": "320219011115"})
    assert response.context["form"].has_error("q", "digits")


def test_a_search_never_rides_in_the_address(login, tksk_kabandungan, kabandungan):
    client = login(tksk_kabandungan)
    nik = kabandungan[0].head.nik
    response = client.post(LIST, {"q": nik, "desil": "1"}, HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == "/registri/?desil=1"
    assert "<html" not in response.content.decode()
    assert listed(response) == [kabandungan[0]]
    # a NIK put in the address by hand is not used
    assert len(listed(client.get(f"{LIST}?q={nik}"))) == 3
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]


def test_tksk_gets_404_for_a_household_and_a_person_of_kalapanunggal(
    login, tksk_kabandungan, kabandungan, kalapanunggal
):
    client = login(tksk_kabandungan)
    for url in (
        household_url(kalapanunggal),
        household_url(kalapanunggal, "ubah"),
        household_url(kalapanunggal, "hapus"),
        household_url(kalapanunggal, "anggota/baru"),
        f"/registri/individu/{kalapanunggal.head.pk}/",
        f"/registri/individu/{kalapanunggal.head.pk}/ubah/",
    ):
        assert client.get(url).status_code == 404, url
    assert kalapanunggal not in listed(client.get(LIST))
    assert client.get(household_url(kabandungan[0])).status_code == 200


def test_nik_and_kk_are_masked_in_the_list_and_shown_whole_on_the_household_page(login, tksk_kabandungan, kabandungan):
    household = kabandungan[0]
    client = login(tksk_kabandungan)
    page = client.get(LIST).content.decode()
    assert household.no_kk not in page and household.head.nik not in page
    assert f"{household.no_kk[:4]}**********{household.no_kk[-2:]}" in page
    detail = client.get(household_url(household)).content.decode()
    assert household.no_kk in detail and household.head.nik in detail


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"desa": CIPEUTEUY}, [0, 1]),
        ({"desa": KABANDUNGAN_DESA}, [2]),
        ({"desa": KABANDUNGAN}, [0, 1, 2]),
        ({"desil": "3"}, [1, 2]),
        ({"pkh_status": PkhStatus.AKTIF}, [0]),
        ({"pkh_status": "none"}, [2]),
        ({"poverty_class": PovertyClass.FAKIR}, [0]),
        ({"poverty_class": PovertyClass.MISKIN}, [1]),
        ({"poverty_class": PovertyClass.TIDAK_MISKIN}, [2]),
        ({"desa": CIPEUTEUY, "desil": "3", "pkh_status": PkhStatus.TRANSISI}, [1]),
    ],
)
def test_the_list_filters_by_desa_desil_pkh_and_poverty_class(login, tksk_kabandungan, kabandungan, query, expected):
    response = login(tksk_kabandungan).get(LIST, query)
    assert sorted(h.pk for h in listed(response)) == sorted(kabandungan[i].pk for i in expected)


def test_an_area_outside_ones_scope_is_refused_as_a_filter(login, tksk_kabandungan, kabandungan, kalapanunggal):
    response = login(tksk_kabandungan).get(LIST, {"desa": KALAPANUNGGAL_DESA})
    assert response.context["form"].has_error("desa", "scope")
    assert kalapanunggal not in listed(response)


def test_the_area_filter_offers_only_ones_own_desa(login, tksk_kabandungan, fasilitator_cipeuteuy, kabandungan):
    form = login(tksk_kabandungan).get(LIST).context["form"]
    codes = {value for _group, options in form.fields["desa"].widget.choices[1:] for value, _label in options}
    assert codes == {KABANDUNGAN} | {f"{KABANDUNGAN}.200{i}" for i in range(1, 7)}
    page = login(fasilitator_cipeuteuy).get(LIST)
    assert page.context["form"].area_choice_count == 1 and 'name="desa"' not in page.content.decode()
    assert len(listed(page)) == 2


def test_list_queries_do_not_grow_with_households(login, tksk_kabandungan, django_assert_max_num_queries):
    for serial in range(1, 4):
        make_household(tksk_kabandungan, serial=serial)
    client = login(tksk_kabandungan)
    client.get(LIST)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for serial in range(4, 31):
        household = make_household(tksk_kabandungan, serial=serial)
        add_member(tksk_kabandungan, household, name="Neng", born=datetime.date(2012, 3, 4), serial=serial)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(listed(response)) == 25
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.post(LIST, {"q": "asep"}, HTTP_HX_REQUEST="true")


def test_household_page_queries_do_not_grow_with_members(login, tksk_kabandungan, django_assert_max_num_queries):
    household = make_household(tksk_kabandungan)
    client = login(tksk_kabandungan)
    client.get(household_url(household))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(household_url(household))
    for serial in range(2, 9):
        add_member(
            tksk_kabandungan, household, name=f"Anak {serial}", born=datetime.date(2012, 3, serial), serial=serial
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(household_url(household))


def test_a_search_of_several_pages_pages_without_putting_the_search_in_the_address(login, tksk_kabandungan):
    for serial in range(1, 29):
        make_household(tksk_kabandungan, serial=serial)
    client = login(tksk_kabandungan)
    first = client.post(LIST, {"q": "asep saepudin"}, HTTP_HX_REQUEST="true")
    assert first.context["page"].paginator.num_pages == 2
    html = first.content.decode()
    assert 'name="page" value="2"' in html and "?page=2" not in html
    second = client.post(LIST, {"q": "asep saepudin", "page": "2"}, HTTP_HX_REQUEST="true")
    assert len(listed(second)) == 3 and second["HX-Push-Url"] == "/registri/"
    assert not set(listed(first)) & set(listed(second))


def test_person_list_queries_do_not_grow_with_people(login, tksk_kabandungan, django_assert_max_num_queries):
    household = make_household(tksk_kabandungan)
    client = login(tksk_kabandungan)
    client.get("/registri/individu/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/registri/individu/")
    for serial in range(2, 30):
        child = add_member(
            tksk_kabandungan,
            household,
            name=f"Anak {serial}",
            born=datetime.date(2012, 3, 1 + serial % 28),
            serial=serial,
        )
        services.person_ppks_add(
            actor=tksk_kabandungan, person=child, category="02", assessed_on=datetime.date(2026, 1, 5), source="uji"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/registri/individu/")
    assert len(listed(response)) == 25


def head_form(**overrides) -> dict:
    born = datetime.date(1975, 2, 3)
    data = {
        "no_kk": kk_number(40),
        "desa_code": CIPEUTEUY,
        "rt": "3",
        "rw": "1",
        "monthly_income": "1000000",
        "basic_needs_cost": "2500000",
        "unmet_needs": ["pangan", "kesehatan"],
        "head_nik": make_nik(KABANDUNGAN, born, "L", 40),
        "head_name": "Cecep Supriatna",
        "head_sex": "L",
        "head_birth_date": born.isoformat(),
        "head_marital_status": "kawin",
    }
    data.update(overrides)
    return data


def test_registering_a_household_shows_each_error_beside_its_field_and_keeps_what_was_typed(login, tksk_kabandungan):
    client = login(tksk_kabandungan)
    response = client.post(
        "/registri/keluarga/baru/",
        head_form(no_kk="3202190111", desil="12", head_sex="P", desa_code="32.02.18.2001"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"no_kk", "desil", "head_nik"} <= set(form.errors)
    assert "3202190111" in form.errors["no_kk"][0]
    assert make_nik(KABANDUNGAN, datetime.date(1975, 2, 3), "L", 40) in form.errors["head_nik"][0]
    assert form["head_name"].value() == "Cecep Supriatna"
    page = response.content.decode()
    assert page.count('class="error"') >= 3
    assert not Household.objects.exists()


def test_registering_a_household_outside_ones_area_is_refused_beside_the_form(login, tksk_kabandungan):
    response = login(tksk_kabandungan).post("/registri/keluarga/baru/", head_form(desa_code=KALAPANUNGGAL_DESA))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Household.objects.exists()


def test_a_fasilitator_registers_a_family_with_its_head(login, fasilitator_cipeuteuy):
    client = login(fasilitator_cipeuteuy)
    assert client.get("/registri/keluarga/baru/").context["form"]["desa_code"].value() == CIPEUTEUY
    response = client.post("/registri/keluarga/baru/", head_form())
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == household_url(household)
    assert household.poverty_class == PovertyClass.FAKIR and household.unmet_needs == ["kesehatan", "pangan"]
    head = household.members.get()
    assert (head.name, head.relation) == ("Cecep Supriatna", "kepala_keluarga")
    detail = client.get(response["Location"]).content.decode()
    assert "Cecep Supriatna" in detail and "40%" in detail and "Rp2.500.000" in detail


def test_a_nik_warning_is_shown_after_the_member_is_saved(login, tksk_kabandungan, kabandungan):
    born = datetime.date(2011, 6, 7)
    nik = make_nik("32.02.99", born, "P", 1)
    response = login(tksk_kabandungan).post(
        household_url(kabandungan[0], "anggota/baru"),
        {"nik": nik, "name": "Neng Sari", "sex": "P", "birth_date": born.isoformat(), "relation": "anak"},
        follow=True,
    )
    assert Person.objects.filter(nik=nik).exists()
    shown = [str(m) for m in response.context["messages"]]
    assert any("32.02.99" in m for m in shown) and any("Neng Sari" in m for m in shown)


def test_a_member_whose_nik_disagrees_is_refused_beside_the_nik(login, tksk_kabandungan, kabandungan):
    born = datetime.date(2011, 6, 7)
    response = login(tksk_kabandungan).post(
        household_url(kabandungan[0], "anggota/baru"),
        {
            "nik": make_nik(KABANDUNGAN, born, "P", 1),
            "name": "Neng",
            "sex": "L",
            "birth_date": born.isoformat(),
            "relation": "anak",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["nik"]


def test_a_stale_edit_shows_the_saved_values_and_overwrites_nothing(
    login, tksk_kabandungan, fasilitator_cipeuteuy, kabandungan
):
    household = kabandungan[0]
    client = login(tksk_kabandungan)
    form = client.get(household_url(household, "ubah")).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.update({"dusun": "Babakan", "version": form.initial["version"]})
    services.household_update(actor=fasilitator_cipeuteuy, household=household, dusun="Cisarua")  # meanwhile
    response = client.post(household_url(household, "ubah"), data)
    assert response.status_code == 200
    household.refresh_from_db()
    assert household.dusun == "Cisarua"
    assert response.context["form"].non_field_errors()
    assert ("Dusun", "Babakan", "Cisarua") in response.context["stale"]
    page = response.content.decode()
    assert "Cisarua" in page and 'value="Babakan"' in page
    assert f'name="version" value="{household.version}"' in page  # saving again is now a deliberate choice
    data["version"] = household.version
    assert client.post(household_url(household, "ubah"), data).status_code == 302
    household.refresh_from_db()
    assert household.dusun == "Babakan"


def test_a_pengamat_and_a_pendamping_see_households_without_edit_buttons(
    login, make_user, pengamat_sukabumi, kabandungan
):
    pendamping = make_user("pendamping.agus", Role.PENDAMPING, KABANDUNGAN)
    household = kabandungan[0]
    for reader in (pengamat_sukabumi, pendamping):
        client = login(reader)
        detail = client.get(household_url(household))
        assert detail.status_code == 200 and not detail.context["can_edit"]
        page = detail.content.decode()
        assert household_url(household, "ubah") not in page and "/registri/keluarga/baru/" not in page
        for url in (household_url(household, "ubah"), household_url(household, "hapus"), "/registri/keluarga/baru/"):
            assert client.get(url).status_code == 403, url
        assert client.post(household_url(household, "hapus"), {"reason": "x"}).status_code == 403
    assert Household.objects.live().count() == 3


def test_the_household_history_is_shown_to_whoever_sees_the_household(login, tksk_kabandungan, kabandungan):
    household = kabandungan[0]
    services.household_update(actor=tksk_kabandungan, household=household, dusun="Cisarua", reason="survei")
    response = login(tksk_kabandungan).get(household_url(household))
    actions = [e.action for e in response.context["events"]]
    assert "household.update" in actions and "household.create" in actions and "person.create" in actions
    assert "survei" in response.content.decode()


def test_changing_the_kk_on_its_page_keeps_the_old_number_in_the_history(login, tksk_kabandungan, kabandungan):
    household = kabandungan[0]
    old = household.no_kk
    client = login(tksk_kabandungan)
    response = client.post(
        household_url(household, "ganti-kk"),
        {"no_kk": kk_number(60), "change_reason": "pisah_kk", "changed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    detail = client.get(household_url(household)).content.decode()
    assert old in detail and kk_number(60) in detail
    response = client.post(
        household_url(household, "ganti-kk"),
        {"no_kk": kk_number(61), "change_reason": "", "changed_on": timezone.localdate().isoformat()},
    )
    assert "change_reason" in response.context["form"].errors


def test_recording_a_checklist_shows_its_count_threshold_and_result(login, tksk_kabandungan, kabandungan):
    household = kabandungan[0]
    client = login(tksk_kabandungan)
    items = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]
    response = client.post(
        household_url(household, "ceklis/bps_14"), {"items": items, "assessed_on": "2026-11-02", "assessor_name": ""}
    )
    assert response.status_code == 302
    detail = client.get(household_url(household))
    [latest] = detail.context["latest_checklists"]
    assert (latest["checklist"].count, latest["total"], latest["checklist"].threshold) == (10, 14, 9)
    assert latest["checklist"].is_poor and latest["checklist"].assessor_name == "Asep Saepudin"
    assert client.get(household_url(household, "ceklis/lainnya")).status_code == 404


def test_removing_a_household_needs_a_reason_and_takes_it_off_the_list(login, tksk_kabandungan, kabandungan):
    household = kabandungan[0]
    client = login(tksk_kabandungan)
    response = client.post(household_url(household, "hapus"), {"reason": ""})
    assert "reason" in response.context["form"].errors
    assert client.post(household_url(household, "hapus"), {"reason": "KK ganda"}).status_code == 302
    assert household not in listed(client.get(LIST))
    page = client.get(household_url(household))  # an editor still opens it, as removed, to restore it
    assert page.context["removed"] and "KK ganda" in page.content.decode()
    assert client.get(household_url(household, "ubah")).status_code == 404
    assert Household.objects.filter(pk=household.pk).exists()


def test_the_export_holds_exactly_the_filtered_rows_with_whole_numbers_and_is_audited(
    login, tksk_kabandungan, kabandungan, kalapanunggal
):
    client = login(tksk_kabandungan)
    response = client.post("/registri/keluarga/ekspor/", {"desa": CIPEUTEUY, "desil": "1"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    rows = read_xlsx(response)
    header = rows[0]
    assert header[:2] == ["no_kk", "kode_desa"]
    assert [row[0] for row in rows[1:]] == [kabandungan[0].no_kk]
    record = dict(zip(header, rows[1], strict=False))
    assert record["nik_kepala_keluarga"] == kabandungan[0].head.nik  # whole, not masked: the file is for work
    assert (record["desil"], record["status_pkh"], record["kemiskinan_menurut_kebutuhan"]) == (1, "aktif", "fakir")
    assert record["penghasilan_bulanan"] == 900_000 and record["jumlah_anggota"] == 1
    [event] = AuditEvent.objects.filter(action="household.export")
    assert event.actor == tksk_kabandungan and event.area_code == CIPEUTEUY
    assert event.changes["filter"]["after"] == {"desa": CIPEUTEUY, "desil": 1}
    assert event.changes["rows"]["after"] == 1 and "desa=32.02.19.2002" in event.reason
    everything = read_xlsx(client.post("/registri/keluarga/ekspor/", {}))
    assert sorted(row[0] for row in everything[1:]) == sorted(h.no_kk for h in kabandungan)  # not Kalapanunggal
    assert AuditEvent.objects.filter(action="household.export").first().area_code == KABANDUNGAN


def test_the_export_of_a_search_holds_what_the_search_shows(login, tksk_kabandungan, kabandungan):
    client = login(tksk_kabandungan)
    shown = client.post(LIST, {"q": "elis"})
    hidden = dict(shown.context["state"]["hidden"])
    rows = read_xlsx(client.post("/registri/keluarga/ekspor/", hidden))
    assert [row[0] for row in rows[1:]] == [h.no_kk for h in listed(shown)] == [kabandungan[0].no_kk]
    assert AuditEvent.objects.get(action="household.export").changes["filter"]["after"] == {"q": "elis"}


def test_names_that_look_like_formulas_are_neutralised_in_the_export(login, tksk_kabandungan):
    for serial, name in enumerate(['=HYPERLINK("http://x","klik")', "+62 Asep", "-Ujang", "@Dede"], start=1):
        make_household(tksk_kabandungan, serial=serial, head={"name": name})
    client = login(tksk_kabandungan)
    for url, column in (("/registri/keluarga/ekspor/", "nama_kepala_keluarga"), ("/registri/individu/ekspor/", "nama")):
        rows = read_xlsx(client.post(url, {}))
        names = sorted(dict(zip(rows[0], row, strict=False))[column] for row in rows[1:])
        assert names == ["'+62 Asep", "'-Ujang", '\'=HYPERLINK("http://x","klik")', "'@Dede"]


def test_people_export_uses_the_import_columns(login, tksk_kabandungan, kabandungan):
    rows = read_xlsx(login(tksk_kabandungan).post("/registri/individu/ekspor/", {"desa": KABANDUNGAN_DESA}))
    assert rows[0][:10] == [
        "id_dtks",
        "kode_desa",
        "alamat",
        "dusun",
        "rt",
        "rw",
        "no_kk",
        "nik",
        "nama",
        "tempat_lahir",
    ]
    record = dict(zip(rows[0], rows[1], strict=False))
    head = kabandungan[2].head
    assert (record["nik"], record["tanggal_lahir"], record["jenis_kelamin"]) == (head.nik, "1980-05-15", "L")
    assert AuditEvent.objects.get(action="person.export").changes["rows"]["after"] == 1


def test_only_users_with_the_export_capability_export(login, pengamat_sukabumi, make_user, kabandungan):
    pendamping = make_user("pendamping.agus", Role.PENDAMPING, KABANDUNGAN)
    for reader in (pengamat_sukabumi, pendamping):
        client = login(reader)
        assert client.post("/registri/keluarga/ekspor/", {}).status_code == 403
        assert client.post("/registri/individu/ekspor/", {}).status_code == 403
        assert "ekspor" not in client.get(LIST).content.decode()
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


def test_person_list_finds_people_by_name_and_masks_their_nik(login, tksk_kabandungan, kabandungan, kalapanunggal):
    client = login(tksk_kabandungan)
    response = client.post("/registri/individu/", {"q": "ujang"})
    assert [p.name for p in listed(response)] == ["Ujang Hermawan"]
    page = response.content.decode()
    assert kabandungan[1].head.nik not in page and kabandungan[1].head.nik[:4] + "**********" in page
