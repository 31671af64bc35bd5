"""/dci/: the DCI Social Registry endpoints (bearer token of a client, no session) and the page where the
Dinas Sosial admin registers and revokes clients."""

from django.urls import path

from . import api, views

app_name = "dci"

urlpatterns = [
    path("oauth2/client/token", api.token, name="token"),
    path("registry/sync/search", api.sync_search, name="sync-search"),
    path("registry/sync/txn/status", api.sync_txn_status, name="sync-txn-status"),
    path("klien/", views.client_list, name="client-list"),
    path("klien/<int:pk>/cabut/", views.client_revoke, name="client-revoke"),
]
