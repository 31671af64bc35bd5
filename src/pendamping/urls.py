from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from pendamping.core.admin_site import restrict_admin_to_superusers

restrict_admin_to_superusers(admin.site)

urlpatterns = [
    path("", include("pendamping.core.urls")),
    path("", include("pendamping.offline.urls")),
    path("akun/", include("pendamping.accounts.urls")),
    path("wilayah/", include("pendamping.areas.urls")),
    path("registri/", include("pendamping.registry.urls")),
    path("seleksi/", include("pendamping.targeting.urls")),
    path("kube/", include("pendamping.kube.urls")),
    path("pendampingan/", include("pendamping.mentoring.urls")),
    path("puskesos/", include("pendamping.puskesos.urls")),
    path("dasbor/", include("pendamping.reports.urls")),
    path("api/v1/", include(("pendamping.api.urls", "api-v1"), namespace="api-v1")),
    path("dci/", include("pendamping.dci.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
