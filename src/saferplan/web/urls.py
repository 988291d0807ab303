from django.contrib.auth import views as auth_views
from django.urls import path

from saferplan.web import (
    answer_views,
    consultation_views,
    edition_views,
    governance_views,
    views,
    yj_views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("partnership/", views.switch_partnership, name="switch_partnership"),
    path("plans/<int:year_id>/", views.plan, name="plan"),
    path("plans/<int:year_id>/overdue/", views.overdue, name="overdue"),
    path("plans/<int:year_id>/by-organisation/", views.by_organisation, name="by_organisation"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("actions/<int:action_id>/update/", views.action_update, name="action_update"),
    path("actions/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("objectives/<int:objective_id>/add-action/", views.action_edit, name="action_add"),
    path("plans/<int:year_id>/quality/", views.plan_quality, name="quality"),
    path("plans/<int:year_id>/year-end/", views.year_end, name="year_end"),
    path("plans/<int:year_id>/progress.<str:fmt>", views.plan_export, name="export"),
    path("measures/<int:measure_id>/actual/", views.measure_actual, name="measure_actual"),
    path("audit/", views.audit_log, name="audit"),
    path("partnership/settings/", views.partnership_settings, name="partnership_settings"),
    path("youth-justice/", yj_views.dashboard, name="yj"),
    path("youth-justice/tracker/", yj_views.tracker, name="yj_tracker"),
    path(
        "youth-justice/disproportionality/",
        yj_views.disproportionality,
        name="yj_disproportionality",
    ),
    path("youth-justice/profile/", yj_views.profile, name="yj_profile"),
    path("editions/", edition_views.edition_list, name="editions"),
    path("editions/<int:edition_id>/", edition_views.edition_detail, name="edition"),
    path(
        "editions/<int:edition_id>/document/",
        edition_views.edition_document,
        name="edition_document",
    ),
    path(
        "editions/<int:edition_id>/files/<str:file_name>",
        edition_views.edition_file,
        name="edition_file",
    ),
    # Questions and promises, bodies and their meetings (governance_views).
    path("questions/", governance_views.question_log, name="questions"),
    path("questions/new/", governance_views.question_edit, name="question_add"),
    path("questions/log.docx", governance_views.question_log_docx, name="questions_docx"),
    path("questions/log.xlsx", governance_views.question_log_xlsx, name="questions_xlsx"),
    path("questions/<int:question_id>/", governance_views.question_detail, name="question"),
    path("questions/<int:question_id>/edit/", governance_views.question_edit, name="question_edit"),
    path(
        "questions/<int:question_id>/answer/",
        governance_views.question_answer,
        name="question_answer",
    ),
    path("bodies/", governance_views.body_list, name="bodies"),
    path("bodies/new/", governance_views.body_edit, name="body_add"),
    path("bodies/<int:body_id>/", governance_views.body_detail, name="body"),
    path("bodies/<int:body_id>/edit/", governance_views.body_edit, name="body_edit"),
    path("bodies/<int:body_id>/members/new/", governance_views.member_edit, name="member_add"),
    path("members/<int:member_id>/edit/", governance_views.member_edit, name="member_edit"),
    path("bodies/<int:body_id>/meetings/new/", governance_views.meeting_edit, name="meeting_add"),
    path("meetings/<int:meeting_id>/", governance_views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", governance_views.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<int:meeting_id>/agenda/new/",
        governance_views.agenda_item_add,
        name="agenda_item_add",
    ),
    path(
        "meetings/<int:meeting_id>/attendance/",
        governance_views.attendance_edit,
        name="attendance",
    ),
    path(
        "meetings/<int:meeting_id>/actions/new/",
        governance_views.meeting_action_edit,
        name="meeting_action_add",
    ),
    path(
        "meeting-actions/<int:meeting_action_id>/edit/",
        governance_views.meeting_action_edit,
        name="meeting_action_edit",
    ),
    # Consultation: questionnaires, results and events (consultation_views).
    path("consultations/", consultation_views.consultations, name="consultations"),
    path("questionnaires/new/", consultation_views.questionnaire_edit, name="questionnaire_add"),
    path(
        "questionnaires/<int:questionnaire_id>/",
        consultation_views.questionnaire_detail,
        name="questionnaire",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/edit/",
        consultation_views.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/new/",
        consultation_views.item_edit,
        name="item_add",
    ),
    path("questionnaire-items/<int:item_id>/edit/", consultation_views.item_edit, name="item_edit"),
    path(
        "questionnaires/<int:questionnaire_id>/publish/",
        consultation_views.questionnaire_publish,
        name="questionnaire_publish",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/links/",
        consultation_views.invitations,
        name="invitations",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/links.csv",
        consultation_views.invitations_csv,
        name="invitations_csv",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/results/",
        consultation_views.results,
        name="results",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/results.csv",
        consultation_views.results_csv,
        name="results_csv",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/results.xlsx",
        consultation_views.results_xlsx,
        name="results_xlsx",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/contacts/",
        consultation_views.contacts,
        name="contacts",
    ),
    path("consultation-events/new/", consultation_views.event_edit, name="event_add"),
    path(
        "consultation-events/<int:event_id>/edit/", consultation_views.event_edit, name="event_edit"
    ),
    # Public: answering by a link, without an account (answer_views).
    path("answer/<str:slug>/", answer_views.answer, name="answer"),
    path("answer/invited/<str:invitation>/", answer_views.answer_invited, name="answer_invited"),
    path("answer/withdraw/<str:withdrawal>/", answer_views.withdraw, name="answer_withdraw"),
]
