"""The one place that says who may see and change what. Views ask these, never roles directly.

Roles are held per partnership: each answer is about the partnership in scope
(``accounts.tenancy``), so a role in one partnership gives nothing in another.
"""

from __future__ import annotations

from typing import Any

from saferplan.accounts.models import Role
from saferplan.accounts.tenancy import active_membership


def roles(user: Any) -> set[str]:
    membership = active_membership(user)
    return set(membership.roles) if membership else set()


def organisation_id(user: Any) -> int | None:
    membership = active_membership(user)
    return membership.organisation_id if membership else None


def can_view_plans(user: Any) -> bool:
    return bool(roles(user) & {Role.ADMIN, Role.ANALYST, Role.ACTION_LEAD, Role.BOARD})


def can_edit_plan(user: Any) -> bool:
    """Create or change priorities, objectives and actions, and import plans."""
    return bool(roles(user) & {Role.ADMIN, Role.ANALYST})


def can_update_action(user: Any, action: Any) -> bool:
    """Record progress: plan editors on any action, action leads on their organisation's."""
    if can_edit_plan(user):
        return True
    return (
        Role.ACTION_LEAD in roles(user)
        and action.lead_organisation_id is not None
        and (action.lead_organisation_id == organisation_id(user))
    )


def can_view_audit(user: Any) -> bool:
    return Role.ADMIN in roles(user)


def can_view_youth_justice(user: Any) -> bool:
    """Child-level youth justice data: youth justice practitioners and admins only."""
    return bool(roles(user) & {Role.YOUTH_JUSTICE, Role.ADMIN})


def can_view_restricted_figures(user: Any) -> bool:
    """Small numbers not suppressed (restricted editions of documents): analysts and admins."""
    return bool(roles(user) & {Role.ADMIN, Role.ANALYST})


def can_view_editions(user: Any) -> bool:
    """The partnership's built documents: everyone in it, board members included."""
    return bool(roles(user))


def can_view_edition(user: Any, edition: Any) -> bool:
    """One edition and its files: public ones for everyone in the partnership, restricted
    ones for those who may see restricted figures."""
    return can_view_editions(user) and (not edition.restricted or can_view_restricted_figures(user))


# The roles that write each statutory document's text (and build it): youth justice
# managers the Youth Justice Plan, analysts the partnership's plans; admins every one.
DOCUMENT_AUTHORS = {
    "youth-justice-plan": {Role.YOUTH_JUSTICE, Role.ADMIN},
    "community-safety-plan": {Role.ANALYST, Role.ADMIN},
    "knife-crime-action-plan": {Role.ANALYST, Role.ADMIN},
}


def can_view_documents(user: Any) -> bool:
    """The statutory documents' sections, guidance and text: everyone in the partnership."""
    return bool(roles(user))


def can_edit_document(user: Any, document: str) -> bool:
    """Write a document's sections, and build it (the roles that own it)."""
    return bool(roles(user) & DOCUMENT_AUTHORS.get(document, set()))
