from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("plan/", views.save_plan, name="save_plan"),
    path("plan/<int:pk>/", views.plan, name="plan"),
    path("plan/<int:pk>/tasks/", views.add_task, name="add_task"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("progress/<int:pk>/file/", views.progress_file, name="progress_file"),
    path("reports/", views.reports, name="reports"),
    path("reports/request/", views.request_reports, name="request_reports"),
    path("reports/<int:pk>/submit/", views.submit_report, name="submit_report"),
    path("reports/<int:pk>/file/", views.report_file, name="report_file"),
    path("service/", views.service, name="service"),
    path("service/import/", views.service_import, name="service_import"),
    path("prefill/<int:pk>/contest/", views.contest, name="contest"),
    path("index/", views.monthly_index, name="monthly_index"),
]
