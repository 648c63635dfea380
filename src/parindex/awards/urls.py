from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("register/", views.register, name="register"),
    path("register/person/", views.person, name="person"),
    path("register/unit/<str:code>/", views.unit_awards, name="unit"),
    path("certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("<slug:code>/", views.campaign_detail, name="campaign"),
    path("<slug:code>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<slug:code>/rules/", views.rules_edit, name="rules"),
    path("<slug:code>/propose/", views.propose, name="propose"),
    path("<slug:code>/nominate/", views.nominate, name="nominate"),
    path("<slug:code>/nominations/<int:pk>/review/", views.review, name="review"),
    path("<slug:code>/nominations/<int:pk>/edit/", views.nomination_edit,
         name="nomination_edit"),
    path("<slug:code>/nominations/<int:pk>/withdraw/", views.nomination_withdraw,
         name="nomination_withdraw"),
    path("<slug:code>/counts/", views.counts, name="counts"),
    path("<slug:code>/decision/", views.decision, name="decision"),
    path("<slug:code>/decision/edit/", views.decision_edit, name="decision_edit"),
    path("<slug:code>/decision/issue/", views.decision_issue, name="decision_issue"),
    path("<slug:code>/decision/issue/confirm/", views.decision_issue_confirm,
         name="decision_issue_confirm"),
    path("<slug:code>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("<slug:code>/decision.docx", views.decision_docx, name="decision_docx"),
    path("<slug:code>/certificates.pdf", views.certificates_pdf, name="certificates_pdf"),
    path("<slug:code>/history/", views.history, name="history"),
]
