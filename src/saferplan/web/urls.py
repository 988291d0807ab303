from django.contrib.auth import views as auth_views
from django.urls import path

from saferplan.web import (
    comment_views,
    edition_views,
    publication_views,
    route_views,
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
