from django.urls import path  # noqa: F401 -- routes are added below as the pages land

app_name = "registry"

urlpatterns: list = []
