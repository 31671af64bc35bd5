from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("", views.area_list, name="area-list"),
    path("pilih/", views.area_picker, name="area-picker"),
    path("<str:code>/", views.area_detail, name="area-detail"),
]
