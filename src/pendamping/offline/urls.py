from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("pendampingan/luring/", views.offline_forms, name="forms"),
    path("pendampingan/luring/data.json", views.offline_data, name="data"),
]
