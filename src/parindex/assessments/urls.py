from django.urls import path

from . import national_views, views

app_name = "assessments"

sheet = "<slug:round_code>/units/<str:unit_code>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.round_new, name="round_new"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/remove/", views.remove_evidence, name="remove_evidence"),
    path("<slug:round_code>/", views.round_detail, name="round"),
    path("<slug:round_code>/progress/", views.progress_board, name="progress"),
    path("<slug:round_code>/assignments/", views.assignments, name="assignments"),
    path("<slug:round_code>/queue/", views.queue, name="queue"),
    path("<slug:round_code>/approve/", views.approve, name="approve"),
    path("<slug:round_code>/compare/", views.round_compare, name="round_compare"),
    path("<slug:round_code>/history/", views.round_history_page, name="round_history_page"),
    path("<slug:round_code>/history.xlsx", views.round_history, name="round_history"),
    path("<slug:round_code>/national/", national_views.national, name="national"),
    path("<slug:round_code>/national/assign/", national_views.assign, name="national_assign"),
    path("<slug:round_code>/national/submit/", national_views.consolidate,
         name="national_submit"),
    path("<slug:round_code>/national/workbook.xlsx", national_views.workbook,
         name="national_workbook"),
    path("<slug:round_code>/national/evidence.zip", national_views.evidence_package,
         name="national_package"),
    path("<slug:round_code>/national/<str:node_code>/draft/", national_views.draft,
         name="national_draft"),
    path("<slug:round_code>/national/<str:node_code>/review/", national_views.review,
         name="national_review"),
    path(sheet, views.sheet, name="sheet"),
    path(sheet + "score/<str:node_code>/<str:stage>/", views.save_score, name="save_score"),
    path(sheet + "evidence/<str:node_code>/", views.upload_evidence, name="upload_evidence"),
    path(sheet + "request/<str:node_code>/", views.request_explanation, name="request"),
    path(sheet + "answer/<int:pk>/", views.answer, name="answer"),
    path(sheet + "history/", views.sheet_history, name="sheet_history"),
    path(sheet + "history/<str:node_code>/", views.leaf_history, name="leaf_history"),
    path(sheet + "compare/", views.sheet_compare, name="sheet_compare"),
    path(sheet + "sheet.xlsx", views.sheet_download, name="sheet_xlsx"),
    path(sheet + "upload/", views.sheet_upload, name="sheet_upload"),
    path(sheet + "<str:action>/confirm/", views.sheet_confirm, name="sheet_confirm"),
    path(sheet + "<str:action>/", views.sheet_action, name="sheet_action"),
]
