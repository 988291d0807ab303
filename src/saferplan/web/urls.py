from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from saferplan.web import (
    action_views,
    admin_views,
    assessment_views,
    audit_views,
    comment_views,
    edition_views,
    plan_views,
    publication_views,
    resources_views,
    route_views,
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
]
