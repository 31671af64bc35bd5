from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("profil/kata-sandi/", views.password_change, name="password-change"),
    path("profil/token/", views.api_token_create, name="api-token-create"),
    path("profil/token/<int:pk>/cabut/", views.api_token_revoke, name="api-token-revoke"),
    path("pengguna/", views.user_list, name="user-list"),
    path("pengguna/unduh/", views.user_export, name="user-export"),
    path("pengguna/baru/", views.user_create, name="user-create"),
    path("pengguna/<int:pk>/", views.user_detail, name="user-detail"),
    path("pengguna/<int:pk>/ubah/", views.user_update, name="user-update"),
    path("pengguna/<int:pk>/kata-sandi/", views.user_password_set, name="user-password-set"),
    path("pengguna/<int:pk>/buka-kunci/", views.user_unlock, name="user-unlock"),
    path("pengguna/<int:pk>/peran/", views.assignment_add, name="assignment-add"),
    path("pengguna/<int:pk>/peran/<int:assignment_pk>/akhiri/", views.assignment_end, name="assignment-end"),
]
