from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_work, name="my_work"),
]
