from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from saferplan.web import edition_views, resources_views, views, yj_views


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
]
