from django.urls import path

from . import analysis_views, views

P = "results/<slug:round_code>/"
M = "manage/results/<slug:round_code>/"

urlpatterns = [
    path("", views.home, name="home"),
    # Public: published results only.
    path(P, views.overview, name="results_overview"),
    path(P + "annex.xlsx", views.annex_xlsx, name="results_xlsx"),
    path(P + "annex.pdf", views.annex_pdf, name="results_pdf"),
    path(P + "decision.pdf", views.annex_pdf, {"decision": True}, name="results_decision_pdf"),
    path(P + "<slug:group>/", views.ranking, name="results_ranking"),
    path(P + "<slug:group>/<str:unit_code>/", views.unit_card, name="results_unit"),
    path(P + "<slug:group>/<str:unit_code>/simulate/", analysis_views.simulate,
         name="results_simulate"),
    # Staff: compute, preview the latest version (published or not), publish, correct.
    path("manage/results/", views.manage_index, name="results_manage_index"),
    path(M, views.manage, name="results_manage"),
    path(M + "do/<slug:action>/", views.manage_action, name="results_manage_action"),
    path(M + "overview/", views.preview(views.overview), name="results_preview_overview"),
    path(M + "annex.xlsx", views.preview(views.annex_xlsx), name="results_preview_xlsx"),
    path(M + "annex.pdf", views.preview(views.annex_pdf), name="results_preview_pdf"),
    path(M + "<slug:group>/", views.preview(views.ranking), name="results_preview_ranking"),
    path(
        M + "<slug:group>/<str:unit_code>/",
        views.preview(views.unit_card),
        name="results_preview_unit",
    ),
    path(
        M + "<slug:group>/<str:unit_code>/simulate/",
        views.preview(analysis_views.simulate),
        name="results_preview_simulate",
    ),
]
