"""The project's URLs with the API mounted, whether or not the root URLconf has it yet."""

from django.urls import include, path

from parindex.urls import urlpatterns as project

urlpatterns = list(project)
if not any(str(getattr(p, "pattern", "")) == "api/" for p in project):
    urlpatterns.append(path("api/", include("parindex.api.urls")))
