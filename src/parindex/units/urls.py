from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("reorganisations/", views.reorganisations, name="reorganisations"),
    path("loose-ends/", views.loose_ends, name="loose_ends"),
    path("loose-ends/roles/<int:pk>/", views.role_action, name="role_action"),
    path("<str:code>/", views.unit_detail, name="unit"),
]
