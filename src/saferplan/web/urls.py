from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from saferplan.web import (
    action_views,
    admin_views,
    answer_views,
    assessment_views,
    audit_views,
    comment_views,
    consultation_views,
    document_views,
    edition_views,
    governance_views,
    import_views,
    plan_import_views,
    plan_views,
    publication_views,
    resources_views,
    route_views,
    theme_views,
    views,
    year_views,
    yj_views,
)


class FinancialYear:
    """A financial year in a URL as saferplan keeps it: 2019-20."""

    regex = "[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FinancialYear, "year")
R = resources_views


def _resources(url: str, table: str, name: str, keyword: str) -> list[Any]:
    """A year's table, a line added to it, and a line's own page."""
    return [
        path(f"resources/<year:year>/{url}/", R.table_page, {"table": table}, name=name),
        path(
            f"resources/<year:year>/{url}/add/",
            R.line_add,
            {"table": table},
            name=f"{R.PAGES[table].line_url}_add",
        ),
        path(
            f"resources/{url}/<int:{keyword}>/",
            R.line_edit,
            {"table": table},
            name=R.PAGES[table].line_url,
        ),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("partnership/", views.switch_partnership, name="switch_partnership"),
    path("plans/<int:year_id>/", plan_views.plan, name="plan"),
    path("plans/<int:year_id>/overdue/", plan_views.overdue, name="overdue"),
    path(
        "plans/<int:year_id>/by-organisation/", plan_views.by_organisation, name="by_organisation"
    ),
    path("plans/<int:year_id>/leads/", plan_views.plan_leads, name="plan_leads"),
    path("actions/<int:action_id>/", action_views.action_detail, name="action"),
    path("actions/<int:action_id>/update/", action_views.action_update, name="action_update"),
    path("actions/<int:action_id>/edit/", action_views.action_edit, name="action_edit"),
    path("objectives/<int:objective_id>/add-action/", action_views.action_edit, name="action_add"),
    path("plans/<int:year_id>/quality/", plan_views.plan_quality, name="quality"),
    path("plans/<int:year_id>/year-end/", plan_views.year_end, name="year_end"),
    path("plans/<int:year_id>/progress.<str:fmt>", plan_views.plan_export, name="export"),
    path("measures/<int:measure_id>/actual/", action_views.measure_actual, name="measure_actual"),
    path("plans/", year_views.plan_years, name="plan_years"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit/events.csv", audit_views.audit_csv, name="audit_csv"),
    path("partnership/settings/", admin_views.partnership_settings, name="partnership_settings"),
    path("manage/", admin_views.manage, name="manage"),
    path("manage/organisations/", admin_views.organisations, name="organisations"),
    path("manage/organisations/add/", admin_views.organisation_edit, name="organisation_add"),
    path(
        "manage/organisations/<int:organisation_id>/",
        admin_views.organisation_edit,
        name="organisation_edit",
    ),
    *[
        path(f"manage/{page}/{end}", view, {"kind": kind}, name=f"{page}{suffix}")
        for kind, page in theme_views.PAGES.items()
        for end, view, suffix in (
            ("", theme_views.definitions, ""),
            ("download/", theme_views.definitions_download, "_download"),
        )
    ],
    path("manage/members/", admin_views.members, name="members"),
    path("manage/members/add/", admin_views.member_add, name="member_add"),
    path("manage/members/<int:membership_id>/", admin_views.member_edit, name="member_edit"),
    *(
        path(
            f"manage/members/<int:membership_id>/{change}/",
            admin_views.member_account,
            {"change": change},
            name=f"member_{change.replace('-', '_')}",
        )
        for change in ("password-link", "deactivate", "reactivate", "remove")
    ),
    # Where a single-use link leads: no sign-in needed (Django's views say so themselves).
    path("set-password/done/", admin_views.set_password_done, name="set_password_done"),
    path("set-password/<uidb64>/<token>/", admin_views.set_password, name="set_password"),
    path("youth-justice/", yj_views.dashboard, name="yj"),
    path("youth-justice/tracker/", yj_views.tracker, name="yj_tracker"),
    path(
        "youth-justice/disproportionality/",
        yj_views.disproportionality,
        name="yj_disproportionality",
    ),
    path("youth-justice/profile/", yj_views.profile, name="yj_profile"),
    path("assessment/new/", assessment_views.assessment_new, name="assessment_new"),
    path("assessment/builds/", assessment_views.assessment_builds, name="assessment_builds"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("plans/import/", plan_import_views.plan_import, name="plan_import"),
    path(
        "plans/import/<str:upload>/",
        plan_import_views.plan_import_preview,
        name="plan_import_preview",
    ),
    path(
        "plans/import/<str:upload>/confirm/",
        plan_import_views.plan_import_confirm,
        name="plan_import_confirm",
    ),
    path(
        "plans/import/<str:upload>/cancel/",
        plan_import_views.plan_import_cancel,
        name="plan_import_cancel",
    ),
    path("jobs/", import_views.job_list, name="jobs"),
    path("jobs/<int:job_id>/", import_views.job_detail, name="job"),
    path("jobs/<int:job_id>/progress.json", import_views.job_progress, name="job_progress"),
    path("jobs/<int:job_id>/cancel/", import_views.job_cancel, name="job_cancel"),
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
    path("resources/", R.index, name="resources"),
    *_resources("budget", "budget", "resources_budget", "budget_line_id"),
    *_resources(
        "grant-allocation", "grant-allocation", "resources_grant_allocation", "grant_line_id"
    ),
    *_resources("staffing", "staffing", "resources_staffing", "post_id"),
    *_resources("funding", "funding", "resources_funding", "stream_id"),
    path("risks/", R.risks, name="risks"),
    path("risks/add/", R.risk_add, name="risk_add"),
    path("risks/<int:risk_id>/", R.risk, name="risk"),
    path("risks/<int:risk_id>/edit/", R.risk_edit, name="risk_edit"),
    path("risks/<int:risk_id>/close/", R.risk_close, name="risk_close"),
    path(
        "editions/<int:edition_id>/changes/", edition_views.edition_changes, name="edition_changes"
    ),
    path("editions/<int:edition_id>/advance/", route_views.advance, name="edition_advance"),
    path("editions/<int:edition_id>/return/", route_views.return_edition, name="edition_return"),
    path("editions/<int:edition_id>/amendment/", route_views.amendment, name="edition_amendment"),
    path(
        "editions/<int:edition_id>/comments/",
        comment_views.edition_comments,
        name="edition_comments",
    ),
    path(
        "editions/<int:edition_id>/comments/<int:comment_id>/",
        comment_views.respond,
        name="comment_respond",
    ),
    path("editions/routes/", route_views.route_list, name="routes"),
    path("editions/routes/<str:document>/", route_views.route_edit, name="route_edit"),
    # Published documents: no sign-in (publication_views).
    path("published/", publication_views.published, name="published"),
    path(
        "published/<int:partnership_id>/",
        publication_views.published_partnership,
        name="published_partnership",
    ),
    path(
        "published/<int:partnership_id>/<int:edition_id>/",
        publication_views.published_edition,
        name="published_edition",
    ),
    path(
        "published/<int:partnership_id>/<int:edition_id>/document/",
        publication_views.published_document,
        name="published_document",
    ),
    path(
        "published/<int:partnership_id>/<int:edition_id>/files/<str:file_name>",
        publication_views.published_file,
        name="published_file",
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
    path("bodies/<int:body_id>/members/new/", governance_views.member_edit, name="body_member_add"),
    path("members/<int:member_id>/edit/", governance_views.member_edit, name="body_member_edit"),
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
    path("plans-to-write/", document_views.document_list, name="documents"),
    path(
        "plans-to-write/<str:document>/<str:year>/",
        document_views.document_year,
        name="document_year",
    ),
    path(
        "plans-to-write/<str:document>/<str:year>/build/",
        document_views.document_build,
        name="document_build",
    ),
    path(
        "plans-to-write/<str:document>/<str:year>/sections/<str:section>/",
        document_views.section_edit,
        name="document_section",
    ),
]
