from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.household_list, name="household-list"),
    path("keluarga/baru/", views.household_create, name="household-create"),
    path("keluarga/ekspor/", views.household_export, name="household-export"),
    path("keluarga/<int:pk>/", views.household_detail, name="household-detail"),
    path("keluarga/<int:pk>/ubah/", views.household_update, name="household-update"),
    path("keluarga/<int:pk>/ganti-kk/", views.household_kk_change, name="household-kk-change"),
    path("keluarga/<int:pk>/hapus/", views.household_delete, name="household-delete"),
    path("keluarga/<int:pk>/pulihkan/", views.household_restore, name="household-restore"),
    path("keluarga/<int:pk>/anggota/baru/", views.person_create, name="person-create"),
    path("keluarga/<int:pk>/ceklis/<str:kind>/", views.checklist_create, name="checklist-create"),
    path("individu/", views.person_list, name="person-list"),
    path("individu/ekspor/", views.person_export, name="person-export"),
    path("individu/<int:pk>/", views.person_detail, name="person-detail"),
    path("individu/<int:pk>/ubah/", views.person_update, name="person-update"),
    path("individu/<int:pk>/hapus/", views.person_delete, name="person-delete"),
    path("individu/<int:pk>/pulihkan/", views.person_restore, name="person-restore"),
    path("individu/<int:pk>/ppks/", views.ppks_create, name="ppks-create"),
    path("individu/<int:pk>/gabung/<int:other>/", views.person_merge, name="person-merge"),
    path("individu/<int:pk>/bukan-duplikat/<int:other>/", views.duplicate_dismiss, name="duplicate-dismiss"),
    path("duplikat/", views.duplicate_list, name="duplicate-list"),
    path("dihapus/", views.removed_list, name="removed-list"),
]

# registry import (upload, runs, rejection report)
from . import import_views  # noqa: E402

urlpatterns += [
    path("impor/", import_views.import_create, name="import-create"),
    path("impor/riwayat/", import_views.import_list, name="import-list"),
    path("impor/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("impor/<int:pk>/ditolak.csv", import_views.import_rejections, name="import-rejections"),
]
