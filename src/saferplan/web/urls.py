from django.contrib.auth import views as auth_views
from django.urls import path

from saferplan.web import (
    action_views,
    admin_views,
    audit_views,
    edition_views,
    import_views,
    plan_views,
    views,
    year_views,
    yj_views,
)

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
    path("imports/", import_views.imports, name="imports"),
    path("imports/new/", import_views.import_new, name="import_new"),
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
]
