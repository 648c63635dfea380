from django.urls import path

from . import edit_views, views

app_name = "surveys"
urlpatterns = [
    # Public, no login: the phone-first form reached by link or QR code.
    path("f/<slug:round>/<slug:group>/", views.public_form, name="form"),
    path("f/<slug:round>/<slug:group>/thanks/", views.thanks, name="thanks"),
    # Managers: the round's manager (parindex.policy.can_manage_survey, visible_surveys).
    path("", views.index, name="index"),
    path("sample-size/", views.sample_size, name="sample_size"),
    path("new/", edit_views.create, name="create"),
    # Editing the questionnaire (managers).
    path("<slug:round>/edit/", edit_views.edit, name="edit"),
    path("<slug:round>/edit/groups/new/", edit_views.group_new, name="group_new"),
    path("<slug:round>/edit/<slug:group>/", edit_views.group_edit, name="group_edit"),
    path("<slug:round>/edit/<slug:group>/questions/new/", edit_views.question_new,
         name="question_new"),
    path("<slug:round>/edit/<slug:group>/questions/<int:pk>/", edit_views.question_edit,
         name="question_edit"),
    path("<slug:round>/edit/<slug:group>/questions/<int:pk>/delete/",
         edit_views.question_delete, name="question_delete"),
    path("<slug:round>/", views.dashboard, name="dashboard"),
    path("<slug:round>/scores/", views.scores, name="scores"),
    path("<slug:round>/history/", views.history_page, name="history"),
    path("<slug:round>/units/<str:unit>/", views.unit_charts, name="unit"),
    path("<slug:round>/review/", views.review_list, name="review"),
    path("<slug:round>/review/<int:pk>/", views.review_action, name="review_action"),
    path("<slug:round>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<slug:round>/imports/<int:pk>/", views.import_status, name="import_status"),
    path("<slug:round>/<slug:group>/enter/", views.enter, name="enter"),
    path("<slug:round>/<slug:group>/import/", views.import_upload, name="import"),
    path("<slug:round>/<slug:group>/export.csv", views.export_csv, name="export_csv"),
    path("<slug:round>/<slug:group>/codes/", views.codes, name="codes"),
    path("<slug:round>/<slug:group>/qr.svg", views.qr, name="qr"),
]
