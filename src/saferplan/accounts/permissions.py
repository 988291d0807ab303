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


# ---- Governance: questions log, meetings, consultations ----------------------------------


def can_view_governance(user: Any) -> bool:
    """The questions log, bodies and meetings, questionnaires' results and consultation
    events: everyone in the partnership, board members included (they change nothing)."""
    return bool(roles(user))


def can_edit_questions(user: Any) -> bool:
    """Log questions and promises, and change any of them: analysts and admins."""
    return bool(roles(user) & {Role.ADMIN, Role.ANALYST})


def can_answer_question(user: Any, question: Any) -> bool:
    """Record the answer to a question: its editors, and the officer who owns it."""
    return can_edit_questions(user) or (
        bool(roles(user)) and question.owner_id is not None and question.owner_id == user.pk
    )


def can_edit_questionnaires(user: Any) -> bool:
    """Build, publish and invite to questionnaires, see who consented to be contacted, and
    log consultation events: analysts and admins."""
    return bool(roles(user) & {Role.ADMIN, Role.ANALYST})


def can_edit_bodies(user: Any) -> bool:
    """Set up bodies and their membership: admins."""
    return Role.ADMIN in roles(user)


def can_record_meetings(user: Any, body: Any) -> bool:
    """Meetings, agendas, attendance and actions arising: admins and the body's secretary;
    for the YOT management board, youth justice practitioners too."""
    mine = roles(user)
    if Role.ADMIN in mine:
        return True
    if not mine:
        return False
    if body.secretary_id is not None and body.secretary_id == user.pk:
        return True
    return body.kind == "yot_board" and Role.YOUTH_JUSTICE in mine


def can_update_meeting_action(user: Any, action: Any) -> bool:
    """Progress an action arising: those who record the body's meetings, and its owner."""
    return can_record_meetings(user, action.meeting.body) or (
        bool(roles(user)) and action.owner_id is not None and action.owner_id == user.pk
    )
