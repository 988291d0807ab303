"""The Manage pages in a real browser: an admin adds a user and copies their single-use
link, the new user sets a password with it and signs in; and every new page passes
axe-core's serious rules, with its error summary where a form can fail."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from saferplan.accounts.models import Membership
from saferplan.plans.demo import load_demo_partnership
from tests.browser.test_web_app import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW = "tangerine-lighthouse-velvet-9"


def test_an_admin_adds_a_user_who_sets_a_password_and_signs_in(
    page, live_server, artifacts
) -> None:
    load_demo_partnership()
    base = live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    sign_in(page, base, "admin")
    page.get_by_role("link", name="Manage", exact=True).click()
    page.get_by_role("link", name="Members").click()
    page.get_by_role("link", name="Add a member").click()
    page.get_by_role("button", name="Add member").click()  # empty: errors shown
    summary = page.locator(".govuk-error-summary")
    assert "Enter a username" in summary.inner_text()
    assert "Select at least one role" in summary.inner_text()
    page.get_by_label("Username").fill("jsmith")
    page.get_by_label("Full name").fill("Jo Smith")
    page.get_by_label("Email address").fill("jo@example.org")
    page.get_by_label("Organisation").select_option(label="NHS Harrow")
    page.get_by_label("Analyst").check()
    page.screenshot(path=str(artifacts / "manage-add-member.png"), full_page=True)
    page.get_by_role("button", name="Add member").click()
    assert "Password link for jsmith" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Copy link").click()
    page.get_by_role("button", name="Link copied").wait_for(timeout=5000)
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert link == page.get_by_label("Single-use link").input_value()
    assert link.startswith(f"{base}/set-password/")
    page.screenshot(path=str(artifacts / "manage-password-link.png"), full_page=True)
    page.context.clear_cookies()  # the admin's browser is done; the new user opens the link

    page.goto(link)
    assert page.locator("h1").inner_text() == "Set your password"
    assert "/set-password/" in page.url and link.rsplit("/", 2)[-2] not in page.url
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("Confirm new password").fill("password")
    page.get_by_role("button", name="Set password").click()
    assert "This password is too common" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    page.get_by_role("button", name="Set password").click()
    assert page.locator("h1").inner_text() == "Your password is set"
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("jsmith")
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    assert "Welcome, Jo Smith" in page.locator("h1").inner_text()
    page.goto(link)  # used: it works once
    assert page.locator("h1").inner_text() == "This link does not work"


MANAGE_PAGES = ["/manage/", "/partnership/settings/", "/manage/organisations/",
                "/manage/organisations/add/", "/manage/organisations/{org}/", "/manage/members/",
                "/manage/members/add/", "/manage/members/{member}/",
                "/manage/members/{member}/password-link/", "/manage/members/{member}/deactivate/",
                "/manage/members/{member}/reactivate/", "/manage/members/{member}/remove/",
                "/audit/?action=created", "/plans/", "/set-password/MQ/cz1xyz-0123/",
                "/set-password/done/"]  # fmt: skip


@pytest.mark.parametrize("path", MANAGE_PAGES)
def test_manage_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server, path: str
) -> None:
    page = a11y_page
    load_demo_partnership()
    member = Membership.objects.get(user__username="analyst")
    sign_in(page, live_server.url, "admin")
    page.goto(live_server.url + path.format(org=member.organisation_id, member=member.pk))
    assert serious_violations(page) == []


@pytest.mark.parametrize(
    ("path", "button"),
    [("/partnership/settings/", "Save settings"), ("/manage/organisations/add/", "Save organisation"),
     ("/manage/members/add/", "Add member"), ("/manage/members/{member}/", "Save roles")],
)  # fmt: skip
def test_forms_with_errors_have_no_serious_accessibility_violations(
    a11y_page, live_server, path: str, button: str
) -> None:
    page = a11y_page
    load_demo_partnership()
    member = Membership.objects.get(user__username="analyst")
    sign_in(page, live_server.url, "admin")
    page.goto(live_server.url + path.format(member=member.pk))
    for box in page.locator("input[type=checkbox]:checked").all():
        box.uncheck()
    for field in page.locator("input.govuk-input").all():
        field.fill("")
    page.get_by_role("button", name=button).click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []


def test_the_link_and_set_password_pages_have_no_serious_accessibility_violations(
    a11y_page, live_server
) -> None:
    page = a11y_page
    load_demo_partnership()
    member = Membership.objects.get(user__username="analyst")
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/manage/members/{member.pk}/password-link/")
    page.get_by_role("button", name="Make the link").click()
    link = page.get_by_label("Single-use link").input_value()
    assert serious_violations(page) == []
    page.context.clear_cookies()
    page.goto(link)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Set password").click()  # empty: errors
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []
    assert get_user_model().objects.get(username="analyst").has_usable_password() is False
