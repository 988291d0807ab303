from django.contrib.auth import views as auth_views
from django.urls import path

from saferplan.web import document_views, edition_views, views, yj_views

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
