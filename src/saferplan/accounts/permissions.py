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


def can_manage_partnership(user: Any) -> bool:
    """Its settings, organisations and members (the Manage pages): its admins."""
    return Role.ADMIN in roles(user)


def can_manage_account(user: Any, other: Any) -> bool:
    """Another user's account itself (their password, whether they can sign in), which is
    theirs in every partnership they work in: only for an admin of all of those."""
    from saferplan.accounts.tenancy import memberships_of

    mine = {m.partnership_id for m in memberships_of(user) if Role.ADMIN in m.roles}
    theirs = {m.partnership_id for m in memberships_of(other)}
    return bool(theirs) and theirs <= mine


def can_view_youth_justice(user: Any) -> bool:
    """Child-level youth justice data: youth justice practitioners and admins only."""
    return bool(roles(user) & {Role.YOUTH_JUSTICE, Role.ADMIN})


def can_view_restricted_figures(user: Any) -> bool:
    """Small numbers not suppressed (restricted editions of documents): analysts and admins."""
    return bool(roles(user) & {Role.ADMIN, Role.ANALYST})


def can_build_documents(user: Any) -> bool:
    """Build the partnership's documents (a Strategic Assessment) in the app: analysts and
    admins, who may also read the restricted editions a build can make."""
    return bool(roles(user) & {Role.ADMIN, Role.ANALYST})


def can_view_editions(user: Any) -> bool:
    """The partnership's built documents: everyone in it, board members included."""
    return bool(roles(user))


def can_view_edition(user: Any, edition: Any) -> bool:
    """One edition and its files: public ones for everyone in the partnership, restricted
    ones for those who may see restricted figures."""
    return can_view_editions(user) and (not edition.restricted or can_view_restricted_figures(user))


def can_view_resources(user: Any) -> bool:
    """The partnership's budget, grant allocation, staffing (without anyone's personal
    details), funding streams and risk register: everyone in it, board members included."""
    return bool(roles(user))


def can_edit_youth_justice_resources(user: Any) -> bool:
    """The youth justice budget, the YJB grant's allocation and staffing: youth justice
    practitioners and admins."""
    return bool(roles(user) & {Role.YOUTH_JUSTICE, Role.ADMIN})


def can_edit_funding_and_risks(user: Any) -> bool:
    """The partnership's funding streams and its risk register: analysts and admins."""
    return bool(roles(user) & {Role.ANALYST, Role.ADMIN})


def can_view_staff_details(user: Any) -> bool:
    """Staff's sex and ethnicity: youth justice practitioners and admins only."""
    return bool(roles(user) & {Role.YOUTH_JUSTICE, Role.ADMIN})


def can_take_step(user: Any, step_roles: Any) -> bool:
    """Record a step of an edition's route (or return it for changes instead): only the
    roles the partnership's route names for that step."""
    return bool(roles(user) & set(step_roles))


def can_edit_routes(user: Any) -> bool:
    """Reorder, add or remove the steps of the partnership's routes: admins only."""
    return Role.ADMIN in roles(user)


# Who writes each document, and so records the comments on it and their responses.
_AUTHORS = {"youth-justice-plan": {Role.ADMIN, Role.YOUTH_JUSTICE}}
_DEFAULT_AUTHORS = {Role.ADMIN, Role.ANALYST}


def can_record_comments(user: Any, edition: Any) -> bool:
    """Record comments received on an edition (from a committee, partner or the public):
    those who write the document (youth justice practitioners and admins for the Youth
    Justice Plan, analysts and admins for the others), if they may see the edition."""
    authors = _AUTHORS.get(edition.document, _DEFAULT_AUTHORS)
    return can_view_edition(user, edition) and bool(roles(user) & authors)


def can_respond_to_comment(user: Any, comment: Any, edition: Any) -> bool:
    """Record the response to a comment: its owner, or whoever records comments on the
    document (``edition`` is the one the response is given from, which they must see)."""
    if not can_view_edition(user, edition):
        return False
    owner = comment.owner_id is not None and comment.owner_id == getattr(user, "pk", None)
    return (owner and bool(roles(user))) or can_record_comments(user, edition)


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


def can_import(user: Any, kind: str) -> bool:
    """Upload files of an import kind in the web app: the roles its declaration names
    (open data: analysts and admins; youth justice data: its practitioners)."""
    from saferplan.datastore.kinds import BY_KIND

    declared = BY_KIND.get(kind)
    return declared is not None and bool(roles(user) & set(declared.roles))


def importable_kinds(user: Any) -> list[str]:
    """The import kinds the user may upload, in their declared order."""
    from saferplan.datastore.kinds import KINDS

    return [k.kind for k in KINDS if can_import(user, k.kind)]


def can_view_imports(user: Any) -> bool:
    """The imports page (provenance) and the jobs list: whoever may import something."""
    return bool(importable_kinds(user))


def can_view_job(user: Any, job: Any) -> bool:
    """A job's page: whoever asked for it, admins, and those who may import its kind."""
    if Role.ADMIN in roles(user) or job.requested_by == user.get_username():
        return bool(roles(user))
    if job.kind == "import":
        return can_import(user, str(job.arguments.get("kind", "")))
    return can_view_restricted_figures(user)


def can_cancel_job(user: Any, job: Any) -> bool:
    """Cancelling a job: whoever asked for it, or an admin."""
    return bool(roles(user)) and (
        Role.ADMIN in roles(user) or job.requested_by == user.get_username()
    )


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
