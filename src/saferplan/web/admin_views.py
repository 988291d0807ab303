"""The Manage pages: a partnership's admins set its settings, organisations and members.

Each page calls the same services as ``saferplan accounts`` (``accounts.management``,
``accounts.members``, ``accounts.password_links``), so the app and the command line apply
the same checks and write the same audit trail. Objects are looked up (in the request's
partnership scope) before roles are checked, so another partnership's ids answer 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import PasswordResetCompleteView, PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from saferplan.accounts import members as people
from saferplan.accounts import permissions
from saferplan.accounts.demo_accounts import active_demo_accounts
from saferplan.accounts.management import (
    SettingError,
    add_organisation,
    change_organisation,
    known_names,
    set_partnership,
)
from saferplan.accounts.models import Membership, Organisation
from saferplan.accounts.password_links import (
    PasswordLink,
    issue_password_link,
    link_lifetime,
    password_set_by_link,
    tokens,
)
from saferplan.core.errors import SaferplanError
from saferplan.web.forms import (
    MemberAddForm,
    MembershipForm,
    NewPasswordForm,
    OrganisationForm,
    PartnershipSettingsForm,
)


def _require_admin(request: HttpRequest) -> None:
    if not permissions.can_manage_partnership(request.user):
        raise PermissionDenied


def _problem(exc: SaferplanError) -> str:
    """An error from a service as a sentence for a form (its hint after it)."""
    message = exc.message[:1].upper() + exc.message[1:]
    return f"{message}. {exc.hint}" if exc.hint else message


def manage(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "web/manage.html", {})


@require_http_methods(["GET", "POST"])
def partnership_settings(request: HttpRequest) -> HttpResponse:
    """Edit the settings, checked against the data as ``saferplan accounts partnership``."""
    _require_admin(request)
    partnership = request.partnership  # type: ignore[attr-defined]
    initial = {
        "areas": ", ".join(partnership.areas),
        "youth_justice_area": partnership.youth_justice_area,
        "comparators": ", ".join(partnership.comparators),
        "youth_population_set": partnership.youth_population_set,
    }
    form = PartnershipSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_partnership(
                partnership.name,
                areas=data["areas"],
                comparators=data["comparators"],
                youth_justice_area=data["youth_justice_area"],
                youth_population_set=data["youth_population_set"],
                known=known_names(partnership=partnership),
                by=request.user,
            )
        except SettingError as exc:
            form.add_error(exc.setting or None, _problem(exc))
        else:
            messages.success(request, "The partnership's settings are saved.")
            return redirect("partnership_settings")
    status = 400 if form.errors else 200
    return render(request, "web/partnership_settings.html", {"form": form}, status=status)


def organisations(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    found = Organisation.objects.annotate(people=Count("members")).order_by("name")
    return render(request, "web/organisations.html", {"organisations": found})


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, organisation_id: int | None = None) -> HttpResponse:
    """Add an organisation, or rename one or change its kind and aliases."""
    org = get_object_or_404(Organisation, pk=organisation_id) if organisation_id else None
    _require_admin(request)
    initial = {"name": org.name, "kind": org.kind, "aliases": org.aliases} if org else {}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if org is None:
                found, created = add_organisation(
                    data["name"], data["kind"], request.partnership,  # type: ignore[attr-defined]
                    data["aliases"], by=request.user,
                )  # fmt: skip
                if not created:
                    raise SaferplanError(f"there is already an organisation called '{found}'")
            else:
                change_organisation(org, **data, by=request.user)
        except SaferplanError as exc:
            form.add_error("name", _problem(exc))
        else:
            messages.success(request, f"{data['name']} is saved.")
            return redirect("organisations")
    status = 400 if form.errors else 200
    return render(request, "web/organisation_edit.html", {"form": form, "org": org}, status=status)


def members(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    rows = people.list_members(request.partnership)  # type: ignore[attr-defined]
    return render(request, "web/members.html", {"members": rows})


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest) -> HttpResponse:
    """A new user (shown their single-use link), or another partnership's user joining."""
    _require_admin(request)
    form = MemberAddForm(request.POST or None, organisations=Organisation.objects.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = people.add_user(
                data["username"], data["organisation"], data["roles"], None,
                data["full_name"], data["email"], request.partnership,  # type: ignore[attr-defined]
                by=request.user, invite=True, same_email=True,
            )  # fmt: skip
        except SaferplanError as exc:
            form.add_error("username", _problem(exc))
        else:
            if len(people.memberships(user)) > 1:  # works elsewhere already: has an account
                messages.success(request, f"{user.username} now works in this partnership too.")
                return redirect("members")
            link = issue_password_link(user, by=request.user)
            return _show_link(request, user, link, retired=user.retired_demo_accounts)
    status = 400 if form.errors else 200
    context = {"form": form, "demo_accounts": active_demo_accounts()}
    return render(request, "web/member_add.html", context, status=status)


def _show_link(
    request: HttpRequest, user: Any, link: PasswordLink, retired: list[str] | None = None
) -> HttpResponse:
    """The link, shown once to the admin who made it: it is not stored anywhere."""
    path = reverse("set_password", kwargs={"uidb64": link.uidb64, "token": link.token})
    context = {
        "person": user,
        "link": request.build_absolute_uri(path),
        "expires": link.expires,
        "hours": round(link_lifetime().total_seconds() / 3600),
        "retired": retired or [],
    }
    response = render(request, "web/password_link.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _membership(membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation", "partnership"), pk=membership_id
    )


def _member_context(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    user = membership.user
    return {
        "membership": membership,
        "person": user,
        "elsewhere": len(people.memberships(user)) - 1,
        "manages_account": permissions.can_manage_account(request.user, user),
        "is_self": user.pk == request.user.pk,
    }


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, membership_id: int) -> HttpResponse:
    """A member's organisation and roles here, and what else can be done to their account."""
    membership = _membership(membership_id)
    _require_admin(request)
    initial = {"organisation": membership.organisation_id, "roles": membership.roles}
    form = MembershipForm(
        request.POST or None, initial=initial, organisations=Organisation.objects.all()
    )
    if request.method == "POST" and form.is_valid():
        try:
            people.change_membership(membership, **form.cleaned_data, by=request.user)
        except SaferplanError as exc:
            form.add_error("roles", _problem(exc))
        else:
            messages.success(request, f"{membership.user.username}'s roles are saved.")
            return redirect("members")
    context = {**_member_context(request, membership), "form": form}
    status = 400 if form.errors else 200
    return render(request, "web/member_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def member_account(request: HttpRequest, membership_id: int, change: str) -> HttpResponse:
    """Confirm, then do, one change to a member: ``password-link``, ``deactivate``,
    ``reactivate`` (their account, in every partnership) or ``remove`` (from this one)."""
    membership = _membership(membership_id)
    _require_admin(request)
    context = {**_member_context(request, membership), "change": change, "error": ""}
    user = membership.user
    if change != "remove" and not context["manages_account"]:
        return render(request, "web/member_account.html", context, status=403)
    if request.method == "POST":
        try:
            if change == "password-link":
                return _show_link(request, user, issue_password_link(user, by=request.user))
            if change == "remove":
                people.remove_membership(membership, by=request.user)
                messages.success(request, f"{user.username} is no longer in this partnership.")
            else:
                changed = people.set_account_active(user, change == "reactivate", by=request.user)
                done = f"{change}d" if changed else ("active" if user.is_active else "deactivated")
                messages.success(request, f"{user.username}'s account is {done}.")
            return redirect("members")
        except SaferplanError as exc:
            context["error"] = _problem(exc)
    status = 400 if context["error"] else 200
    return render(request, "web/member_account.html", context, status=status)


class SetPasswordView(PasswordResetConfirmView):
    """Where a single-use link leads (no sign-in needed): the person sets their password.

    Django's view puts the token in the session and redirects to a URL without it, so it
    never reaches a Referer header or the server's logs of later pages.
    """

    form_class = NewPasswordForm
    template_name = "web/set_password.html"
    token_generator = tokens
    success_url = reverse_lazy("set_password_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_set_by_link(self.user)
        return response


set_password = SetPasswordView.as_view()
set_password_done = PasswordResetCompleteView.as_view(template_name="web/set_password_done.html")
