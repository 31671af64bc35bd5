"""Area pages and the area picker, limited to the user's areas."""

from tests.conftest import CIPEUTEUY, KABANDUNGAN, KALAPANUNGGAL

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_tksk_sees_kabandungan_with_its_six_desa_and_404_for_kalapanunggal(login, tksk_kabandungan):
    client = login(tksk_kabandungan)
    response = client.get(f"/wilayah/{KABANDUNGAN}/")
    assert response.status_code == 200
    assert [c.name for c in response.context["children"]] == [
        "Kabandungan",
        "Cipeuteuy",
        "Cihamerang",
        "Tugubandung",
        "Mekarjaya",
        "Cianaga",
    ]
    assert client.get(f"/wilayah/{KALAPANUNGGAL}/").status_code == 404
    assert client.get(f"/wilayah/{KALAPANUNGGAL}.2001/").status_code == 404
    assert client.get("/wilayah/32.02/").status_code == 404


def test_area_list_shows_the_users_areas(login, admin_sukabumi):
    response = login(admin_sukabumi).get("/wilayah/")
    [item] = response.context["areas"]
    assert item["area"].code == "32.02"
    assert item["levels"] == {"kecamatan": 47, "desa": 386}


def test_the_picker_narrows_to_the_desa_of_the_chosen_kecamatan(login, admin_sukabumi):
    client = login(admin_sukabumi)
    response = client.get("/wilayah/pilih/", {"pick": KABANDUNGAN, "field": "area_code"}, **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "areas/partials/_picker.html"
    levels = response.context["levels"]
    assert [level["chosen"] for level in levels] == ["32", "32.02", KABANDUNGAN, ""]
    assert [a.name for a in levels[3]["options"]][:2] == ["Kabandungan", "Cipeuteuy"]
    assert response.context["value"] == KABANDUNGAN
    assert len(response.content) < 20_000  # an htmx partial stays small


def test_the_picker_shows_a_tksk_only_the_way_to_their_kecamatan(login, tksk_kabandungan):
    response = login(tksk_kabandungan).get("/wilayah/pilih/", {"field": "area_code"}, **HTMX)
    levels = response.context["levels"]
    assert [[a.code for a in level["options"]] for level in levels[:3]] == [["32"], ["32.02"], [KABANDUNGAN]]
    assert len(levels[3]["options"]) == 6


def test_the_picker_ignores_a_code_outside_the_users_areas(login, tksk_kabandungan):
    response = login(tksk_kabandungan).get("/wilayah/pilih/", {"pick": KALAPANUNGGAL + ".2001"}, **HTMX)
    assert response.context["value"] == KABANDUNGAN  # the only kecamatan they may pick
    assert KALAPANUNGGAL not in response.content.decode()


def test_the_picker_page_works_without_htmx(login, fasilitator_cipeuteuy):
    response = login(fasilitator_cipeuteuy).get("/wilayah/pilih/", {"pick": CIPEUTEUY})
    assert response.status_code == 200 and response.context["value"] == CIPEUTEUY
    assert "<html" in response.content.decode()
