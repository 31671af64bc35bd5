from django.urls import path

from . import views

app_name = "targeting"

urlpatterns = [
    path("", views.result_list, name="result-list"),
    path("hasil/<int:pk>/", views.result_detail, name="result-detail"),
    path("hasil/<int:pk>/kriteria-lunak/", views.soft_criteria_record, name="soft-criteria"),
    path("hasil/unduh/", views.result_export, name="result-export"),
    path("saring-desa/", views.screen_desa, name="screen-desa"),
    path("saring-individu/<int:person_pk>/", views.screen_person, name="screen-person"),
    path("aturan/", views.rule_set_list, name="ruleset-list"),
    path("aturan/baru/", views.rule_set_create, name="ruleset-create"),
    path("aturan/<int:pk>/", views.rule_set_detail, name="ruleset-detail"),
    path("aturan/<int:pk>/versi-baru/", views.rule_set_update, name="ruleset-update"),
    path("aturan/<int:pk>/aktifkan/", views.rule_set_activate, name="ruleset-activate"),
    path("calon/", views.candidate_list, name="candidate-list"),
    path("calon/unduh/", views.candidate_export, name="candidate-export"),
    path("kasus-khusus/", views.special_case_list, name="specialcase-list"),
    path("kasus-khusus/baru/", views.special_case_create, name="specialcase-create"),
    path("kasus-khusus/<int:pk>/", views.special_case_detail, name="specialcase-detail"),
    path("kasus-khusus/<int:pk>/putuskan/", views.special_case_decide, name="specialcase-decide"),
    path("kasus-khusus/<int:pk>/dokumen/<int:document_pk>/", views.special_case_document, name="specialcase-document"),
]
