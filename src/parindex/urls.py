from django.contrib import admin
from django.urls import include, path

from parindex.notifications.views import set_language
from parindex.ops.views import healthz
from parindex.web import favicon

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("assessments/", include("parindex.assessments.urls")),
    path("units/", include("parindex.units.urls")),
    path("survey/", include("parindex.surveys.urls")),
    path("awards/", include("parindex.awards.urls")),
    path("plans/", include("parindex.plans.urls")),
    path("api/", include("parindex.api.urls")),
    path("jobs/", include("parindex.jobs.urls")),
    path("notifications/", include("parindex.notifications.urls")),
    path("viec-cua-toi/", include("parindex.work.urls")),
    path("", include("parindex.results.urls")),
]
# Uploaded files are never served directly: evidence goes through permission-checked views.
# Errors: Django's own handlers render templates/403.html, 404.html and 500.html.
