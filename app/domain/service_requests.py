"""Service requests (服务请求): taking, working, dispatching, noting, merging and closing them.

Every screen, API and job changes a request through these functions, so the rules hold
everywhere: the parts of a request belong to its customer, the priority comes from the
impact × urgency matrix (an override needs a reason), status moves only through the role ×
transition table (``request_flow``), a closed or cancelled request is never edited, and the
SLA's due times are filled by the one hook ``apply_sla``. Refusals are ``RequestRefused``
(a msgid with parameters) that the caller translates; nothing is changed when one is raised.
Who acted is written into the session for the audit trail (``change_log``, app/history.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.domain.auto_close import CalendarPicker
from app.domain.contracts import contract_status, entitlement_of, usage_by_contract
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.notices import notify
from app.domain.numbering import REQUEST_PREFIX, next_number
from app.domain.outbox import mail_contact, queue_mail
from app.domain.priority import LEVELS, MatrixIncomplete, matrix_from_cells, priority_for
from app.domain.request_flow import (
    CUSTOMER,
    N_,
    TRANSITIONS,
    apply_action,
)
from app.domain.sla import resolution_minutes
from app.domain.sla_tracking import apply_request_sla, recompute_open_work_orders, record_first_response, track_status
from app.domain.surveys import send_survey
from models.assets import Asset
from models.contracts import Contract
from models.enums import (
    Channel,
    ContractStatus,
    NoteKind,
    Priority,
    RequestAction,
    RequestStatus,
    RequestType,
    SupportTier,
)
from models.organisations import Contact, Customer, Site, Vendor
from models.service_catalog import PriorityCell, ServiceCategory
from models.service_requests import DeskSettings, RequestNote, ServiceRequest
from models.support import SupportGroup
from models.users import UserAccount

DEFAULT_TIMEZONE = "Asia/Shanghai"
OUTSIDE_ROLES = frozenset({"Vendor", CUSTOMER})
VENDOR_LEVEL = 4  # escalation_level: 1–3 are the support tiers L1–L3, 4 is a vendor
TIER_OF_LEVEL = {1: SupportTier.L1, 2: SupportTier.L2, 3: SupportTier.L3}
LEVEL_OF_TIER = {tier: level for level, tier in TIER_OF_LEVEL.items()}
# Dispatching (assign, escalate, bulk assign, merge) is for those the table lets assign.
DISPATCH_ROLES = TRANSITIONS[RequestAction.ASSIGN].roles
SLA_FIELDS = frozenset({"priority", "category", "category_id", "asset", "asset_id", "contract", "contract_id"})

Translate = Callable[..., str]


def plain(message: str, **params: object) -> str:
    """The untranslated text of a msgid (what jobs write; views pass ``gettext``)."""
    return message % params if params else message


class RequestRefused(ValidationError):
    """A rule refused a change of a request; ``message`` is a msgid, ``params`` its values."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % {key: str(value) for key, value in params.items()})
        self.message = message
        self.params = params


class RequestForbidden(PermissionDenied):
    """The actor may not touch this request at all (another customer's, another vendor's)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % {key: str(value) for key, value in params.items()})
        self.message = message
        self.params = params


@dataclass
class RequestDraft:
    """What a dispatcher (or a customer on the portal) enters to open a request."""

    customer_id: int | None
    subject: str
    contact_id: int | None = None
    site_id: int | None = None
    asset_id: int | None = None
    category_id: int | None = None
    request_type: RequestType = RequestType.INCIDENT
    channel: Channel = Channel.PHONE
    description: str | None = None
    impact: int = 3
    urgency: int = 3
    priority_override: Priority | None = None
    override_reason: str | None = None


# ---------------------------------------------------------------------------------------------
# Settings, actor, small checks
# ---------------------------------------------------------------------------------------------


def desk_settings(session: Session) -> DeskSettings:
    """The one settings row, created with its defaults the first time it is asked for."""
    settings = session.scalars(select(DeskSettings).order_by(DeskSettings.id).limit(1)).first()
    if settings is None:
        settings = DeskSettings()
        session.add(settings)
        session.flush()
    return settings


@contextmanager
def acting(session: Session, actor: UserAccount | None, actor_label: str | None = None) -> Iterator[None]:
    """Attribute what is flushed inside to ``actor`` (or to a job's ``actor_label``) in change_log."""
    saved = {key: session.info.get(key) for key in ("actor_id", "actor_label")}
    if actor is not None:
        session.info["actor_id"], session.info["actor_label"] = actor.id, None
    elif actor_label is not None:
        session.info["actor_id"], session.info["actor_label"] = None, actor_label
    try:
        yield
        session.flush()
    finally:
        session.info.update(saved)


def check_editable(request: ServiceRequest) -> None:
    """A closed or cancelled request is a record: only reopening (closed) changes it."""
    if request.status is RequestStatus.CLOSED:
        raise RequestRefused(N_("%(number)s is closed and cannot be changed; reopen it first."), number=request.number)
    if request.status is RequestStatus.CANCELLED:
        raise RequestRefused(N_("%(number)s was cancelled and cannot be changed."), number=request.number)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _required(value: str | None, message: str, **params: object) -> str:
    text = _text(value)
    if not text:
        raise RequestRefused(message, **params)
    return text


def _is_staff(user: UserAccount) -> bool:
    names = {role.name for role in user.roles}
    return bool(names) and not names & OUTSIDE_ROLES


def _check_may_dispatch(roles: set[str]) -> None:
    if not roles & DISPATCH_ROLES:
        raise RequestForbidden(N_("Your role may not dispatch requests."))


# ---------------------------------------------------------------------------------------------
# Taking a request
# ---------------------------------------------------------------------------------------------


def matrix_priority(session: Session, impact: int, urgency: int) -> Priority:
    """The priority the matrix gives; refuses levels outside 1–4 and an incomplete matrix."""
    if impact not in LEVELS or urgency not in LEVELS or isinstance(impact, bool) or isinstance(urgency, bool):
        raise RequestRefused(N_("Impact and urgency run from 1 (highest) to 4 (lowest)."))
    matrix = matrix_from_cells(session.scalars(select(PriorityCell)))
    try:
        return priority_for(matrix, impact, urgency)
    except MatrixIncomplete:
        raise RequestRefused(
            N_("The priority matrix has no priority for impact %(impact)s and urgency %(urgency)s."),
            impact=impact,
            urgency=urgency,
        ) from None


def _priority(
    session: Session, impact: int, urgency: int, override: Priority | None, reason: str | None
) -> tuple[Priority, str | None]:
    """(priority, override reason): the matrix's, or an override with its required reason."""
    derived = matrix_priority(session, impact, urgency)
    if override is None or override is derived:
        return derived, None
    reason = _required(
        reason,
        N_("Give a reason for priority %(priority)s instead of %(derived)s from the matrix."),
        priority=override,
        derived=derived,
    )
    return override, reason


def _check_parts(
    customer: Customer,
    contact: Contact | None,
    site: Site | None,
    asset: Asset | None,
    category: ServiceCategory | None,
    *,
    new: Iterable[str],
) -> None:
    """Contact, site and asset belong to the customer; newly chosen ones are active."""
    new = set(new)
    if not customer.active and "customer" in new:
        raise RequestRefused(N_("Customer %(customer)s is inactive."), customer=customer)
    if contact is not None:
        if contact.customer_id != customer.id:
            raise RequestRefused(N_("%(contact)s is a contact of another customer."), contact=contact)
        if "contact" in new and not contact.active:
            raise RequestRefused(N_("Contact %(contact)s is inactive."), contact=contact)
    if site is not None:
        if site.customer_id != customer.id:
            raise RequestRefused(N_("Site %(site)s belongs to another customer."), site=site)
        if "site" in new and not site.active:
            raise RequestRefused(N_("Site %(site)s is inactive."), site=site)
    if asset is not None and asset.customer_id != customer.id:
        raise RequestRefused(N_("Asset %(asset)s belongs to another customer."), asset=asset)
    if category is not None and "category" in new and not category.active:
        raise RequestRefused(N_("Category %(category)s is inactive."), category=category)


def _get(session: Session, model: type, pk: int | None, message: str):
    if pk is None:
        return None
    row = session.get(model, pk)
    if row is None:
        raise RequestRefused(message, id=pk)
    return row


def business_day(now: datetime, timezone: str = DEFAULT_TIMEZONE) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def contract_in_force(session: Session, customer_id: int, today: date) -> Contract | None:
    """The customer's active contract in force today (not used up); the most recently started wins."""
    contracts = session.scalars(
        select(Contract)
        .where(
            Contract.customer_id == customer_id,
            Contract.active.is_(True),
            Contract.start_date <= today,
            Contract.end_date >= today,
        )
        .order_by(Contract.start_date.desc(), Contract.id)
    ).all()
    usage = usage_by_contract(session, [contract.id for contract in contracts])
    for contract in contracts:
        status = contract_status(
            contract.start_date, contract.end_date, today, entitlement_of(contract), usage[contract.id]
        )
        if status is ContractStatus.ACTIVE:
            return contract
    return None


def apply_sla(session: Session, request: ServiceRequest, *, now: datetime) -> None:
    """THE hook filling the SLA, its copied targets and the due times (``app.domain.sla_tracking``).

    On creation the clock starts; later (priority, category, asset or contract changed) the due
    times are recomputed keeping the consumed working time and the pauses, and the running work
    orders' OLA due times follow a new priority.
    """
    previous_priority = None
    if request.id is not None:
        history = inspect(request).attrs.priority.history
        previous_priority = history.deleted[0] if history.deleted else None
    apply_request_sla(session, request, now=now)
    if previous_priority is not None and previous_priority is not request.priority:
        recompute_open_work_orders(session, request, now=now)


def create_request(
    session: Session,
    draft: RequestDraft,
    *,
    actor: UserAccount | None,
    now: datetime,
    timezone: str = DEFAULT_TIMEZONE,
) -> ServiceRequest:
    """Open a request: checked, numbered, prioritised, under today's contract and its SLA; mails the contact."""
    customer = _get(session, Customer, draft.customer_id, N_("There is no customer with id %(id)s."))
    if customer is None:
        raise RequestRefused(N_("Choose the customer."))
    if actor is not None and actor.customer_id is not None and actor.customer_id != customer.id:
        raise RequestForbidden(N_("You may only open requests for your own company."))
    contact = _get(session, Contact, draft.contact_id, N_("There is no contact with id %(id)s."))
    site = _get(session, Site, draft.site_id, N_("There is no site with id %(id)s."))
    asset = _get(session, Asset, draft.asset_id, N_("There is no asset with id %(id)s."))
    category = _get(session, ServiceCategory, draft.category_id, N_("There is no category with id %(id)s."))
    _check_parts(customer, contact, site, asset, category, new=("customer", "contact", "site", "category"))
    subject = _required(draft.subject, N_("Enter the subject."))
    if len(subject) > 200:
        raise RequestRefused(N_("The subject is longer than %(max)s characters."), max=200)
    priority, reason = _priority(session, draft.impact, draft.urgency, draft.priority_override, draft.override_reason)
    if site is None and asset is not None and asset.site_id is not None:
        site = session.get(Site, asset.site_id)
    request = ServiceRequest(
        number=next_number(session, REQUEST_PREFIX, now, timezone),
        request_type=draft.request_type or RequestType.INCIDENT,
        channel=draft.channel or Channel.PHONE,
        customer=customer,
        contact=contact,
        site=site,
        asset=asset,
        category=category,
        subject=subject,
        description=_text(draft.description) or None,
        impact=draft.impact,
        urgency=draft.urgency,
        priority=priority,
        priority_override_reason=reason,
        status=RequestStatus.NEW,
        escalation_level=1,
        contract=contract_in_force(session, customer.id, business_day(now, timezone)),
        created_by=actor,
        created_at=now,
    )
    with session.no_autoflush:
        apply_sla(session, request, now=now)
    with acting(session, actor):
        session.add(request)
    mail_contact(session, request, "request_created", dedupe_key=f"created:{request.id}")
    return request


def revise_request(session: Session, request: ServiceRequest, *, now: datetime) -> None:
    """Check an edit of a request's fields (already set on it) before it is saved.

    The priority follows the matrix unless it was changed by hand or an override reason stands:
    then it is an override and needs its reason. The SLA hook runs again when something it
    depends on changed.
    """
    check_editable(request)
    state = inspect(request)
    with session.no_autoflush:
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        new = {name for name in ("contact", "site", "category") if name in changed or f"{name}_id" in changed}
        _check_parts(request.customer, request.contact, request.site, request.asset, request.category, new=new)
        request.subject = _required(request.subject, N_("Enter the subject."))
        override = request.priority if "priority" in changed or _text(request.priority_override_reason) else None
        request.priority, request.priority_override_reason = _priority(
            session, request.impact, request.urgency, override, request.priority_override_reason
        )
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        if changed & SLA_FIELDS:
            apply_sla(session, request, now=now)


# ---------------------------------------------------------------------------------------------
# Status actions
# ---------------------------------------------------------------------------------------------


def perform(
    session: Session,
    request: ServiceRequest,
    action: RequestAction,
    *,
    actor: UserAccount | None,
    roles: set[str],
    now: datetime,
    resolution: str | None = None,
    reason: str | None = None,
    actor_label: str | None = None,
    translate: Translate = plain,
) -> None:
    """Move a request by ``action`` through the role × transition table, with what the action needs.

    RESOLVE needs the resolution text and sends the survey; CLOSE charges the contract and mails
    the contact; REOPEN (within the desk's reopen days of closing) reverses the charge; CANCEL and
    REOPEN need a reason, kept as an internal note. ASSIGN goes through ``assign`` (it needs a target).
    """
    if action is RequestAction.ASSIGN:
        raise RequestRefused(N_("Choose an engineer, a group or a vendor to assign the request to."))
    _check_customer_owns(request, actor, roles)
    if action is RequestAction.RESOLVE:
        resolution = _required(resolution, N_("Describe the resolution."))
    if action in (RequestAction.CANCEL, RequestAction.REOPEN):
        reason = _required(reason, N_("Give a reason for “%(action)s”."), action=action)
    settings = desk_settings(session)
    target = apply_action(
        roles, request.status, action, now=now, closed_at=request.closed_at, reopen_days=settings.reopen_days
    )
    was_closed = request.status is RequestStatus.CLOSED
    previous = request.status
    with acting(session, actor, actor_label):
        request.status = target
        track_status(session, request, previous, now=now)
        if action is RequestAction.START:
            request.started_at = request.started_at or now
            record_first_response(request, now=now)
        elif action is RequestAction.RESOLVE:
            request.resolution = resolution
            request.resolved_at = request.auto_close_from = now
            request.reminded_at = None
            calendar = CalendarPicker(session, settings, DEFAULT_TIMEZONE).for_request(request)
            request.resolution_business_minutes = resolution_minutes(calendar, request.created_at, now)
        elif action is RequestAction.CLOSE:
            request.closed_at = now
            request.auto_close_from = None
        elif action is RequestAction.REOPEN:
            request.resolved_at = request.closed_at = request.auto_close_from = request.reminded_at = None
            request.resolution_business_minutes = None
            request.reopen_count = (request.reopen_count or 0) + 1
        if reason is not None:
            text = translate(N_("%(action)s: %(reason)s"), action=str(action), reason=reason)
            _note(session, request, NoteKind.INTERNAL, text, actor=actor, now=now, author_label=actor_label)
    _after_action(session, request, action, was_closed=was_closed, now=now)


def _after_action(
    session: Session, request: ServiceRequest, action: RequestAction, *, was_closed: bool, now: datetime
) -> None:
    """What other parts of the desk do on resolve, close and reopen (surveys, contract charges, mail)."""
    if action is RequestAction.RESOLVE:
        send_survey(session, request, now=now, valid_days=desk_settings(session).survey_valid_days)
    elif action is RequestAction.CLOSE:
        from app.domain.contract_charges import charge_on_close

        charge_on_close(session, request, now=now)
        mail_contact(session, request, "request_closed", dedupe_key=f"closed:{request.id}:{now.isoformat()}")
    elif action is RequestAction.REOPEN and was_closed:
        from app.domain.contract_charges import reverse_on_reopen

        reverse_on_reopen(session, request, now=now)


def _check_customer_owns(request: ServiceRequest, actor: UserAccount | None, roles: set[str]) -> None:
    """A customer acts only on its own company's requests (views scope too; this is the rule)."""
    if CUSTOMER in roles and (actor is None or actor.customer_id != request.customer_id):
        raise RequestForbidden(N_("This request belongs to another customer."))


# ---------------------------------------------------------------------------------------------
# Dispatch: assign, escalate
# ---------------------------------------------------------------------------------------------


def assign(
    session: Session,
    request: ServiceRequest,
    *,
    actor: UserAccount | None,
    roles: set[str],
    now: datetime,
    user: UserAccount | None = None,
    group: SupportGroup | None = None,
    vendor: Vendor | None = None,
    reason: str | None = None,
    translate: Translate = plain,
) -> None:
    """Assign to an engineer (optionally within a group), a group's queue, or a vendor; notify them.

    The status moves by ASSIGN through the table (new → assigned; a reassignment of open work goes
    back to assigned for the new assignee to start). Inactive targets are refused.
    """
    _check_may_dispatch(roles)
    _check_target(user, group, vendor)
    target = apply_action(roles, request.status, RequestAction.ASSIGN, now=now)
    previous = request.status
    with acting(session, actor):
        request.status = target
        track_status(session, request, previous, now=now)
        request.assignee = user
        request.assignee_group = group
        request.assignee_vendor = vendor
        if vendor is not None:
            request.escalation_level = VENDOR_LEVEL
        elif group is not None:
            request.escalation_level = LEVEL_OF_TIER[group.tier]
        if _text(reason):
            text = translate(N_("%(action)s: %(reason)s"), action=str(RequestAction.ASSIGN), reason=_text(reason))
            _note(session, request, NoteKind.INTERNAL, text, actor=actor, now=now)
    _notify_assignees(session, request)


def _check_target(user: UserAccount | None, group: SupportGroup | None, vendor: Vendor | None) -> None:
    if user is None and group is None and vendor is None:
        raise RequestRefused(N_("Choose an engineer, a group or a vendor to assign the request to."))
    if vendor is not None and (user is not None or group is not None):
        raise RequestRefused(N_("Assign to a vendor alone, or to an engineer and/or a group."))
    if user is not None:
        if not user.active:
            raise RequestRefused(N_("%(user)s is inactive and cannot be assigned."), user=user.get_full_name())
        if not _is_staff(user):
            raise RequestRefused(N_("%(user)s is not an engineer of ours."), user=user.get_full_name())
        if group is not None and user not in group.members:
            raise RequestRefused(N_("%(user)s is not a member of %(group)s."), user=user.get_full_name(), group=group)
    if group is not None and not group.active:
        raise RequestRefused(N_("Group %(group)s is inactive and cannot be assigned."), group=group)
    if vendor is not None and not vendor.active:
        raise RequestRefused(N_("Vendor %(vendor)s is inactive and cannot be assigned."), vendor=vendor)


def vendor_users(session: Session, vendor_id: int) -> list[UserAccount]:
    """The active user accounts of a vendor: who is told about its work."""
    query = select(UserAccount).where(UserAccount.vendor_id == vendor_id, UserAccount.active.is_(True))
    return list(session.scalars(query.order_by(UserAccount.id)))


def request_assignees(session: Session, request: ServiceRequest) -> list[UserAccount]:
    """Who works the request now: its engineer, else its group's active members, else its vendor's users."""
    if request.assignee is not None:
        return [request.assignee]
    if request.assignee_group is not None:
        return [member for member in request.assignee_group.members if member.active]
    if request.assignee_vendor is not None:
        return vendor_users(session, request.assignee_vendor.id)
    return []


def _notify_assignees(session: Session, request: ServiceRequest) -> None:
    """In-app and e-mail (in each recipient's language) to the new assignee(s)."""
    params = {"number": request.number, "subject": request.subject}
    recipients = request_assignees(session, request)
    if request.assignee is not None:
        message = N_("%(number)s is assigned to you: %(subject)s")
    elif request.assignee_group is not None:
        message = N_("%(number)s is in your group's queue: %(subject)s")
    else:
        message = N_("%(number)s is assigned to your company: %(subject)s")
    staff = request.assignee_vendor is None
    link = f"/requests/show/{request.id}" if staff else None
    notify(session, recipients, "request_assigned", message, params, link=link, request_id=request.id)
    for recipient in recipients:
        queue_mail(session, recipient, "request_assigned", request=request,
                   dedupe_key=f"assigned:{request.id}:{recipient.id}:{request.version}")  # fmt: skip


def escalation_group(session: Session, request: ServiceRequest, tier: SupportTier) -> SupportGroup | None:
    """The active group of ``tier`` to escalate to: the default group of the request's category (or of
    its nearest parent category) when of that tier, else one with the category's required skill, else
    the first by name."""
    groups = session.scalars(
        select(SupportGroup).where(SupportGroup.active.is_(True), SupportGroup.tier == tier).order_by(SupportGroup.name)
    ).all()
    lineage: list[int] = []
    skill_id = None
    node, seen = request.category, set()
    while node is not None and node.id not in seen:
        seen.add(node.id)
        skill_id = skill_id or node.required_skill_id
        if node.default_support_group_id is not None:
            lineage.append(node.default_support_group_id)
        node = node.parent

    def rank(group: SupportGroup) -> tuple[int, int]:
        nearness = lineage.index(group.id) if group.id in lineage else len(lineage)
        skilled = skill_id is not None and any(skill.id == skill_id for skill in group.skills)
        return nearness, 0 if skilled else 1

    return min(groups, key=rank, default=None)


def escalate(
    session: Session,
    request: ServiceRequest,
    *,
    actor: UserAccount | None,
    roles: set[str],
    now: datetime,
    reason: str | None,
    vendor: Vendor | None = None,
    translate: Translate = plain,
) -> None:
    """One level up: L1 → L2 → L3 (that tier's group's queue) → a vendor (which must be given)."""
    _check_may_dispatch(roles)
    reason = _required(reason, N_("Give a reason for escalating."))
    level = request.escalation_level or 1
    if level >= VENDOR_LEVEL:
        raise RequestRefused(N_("%(number)s is already with a vendor; it cannot be escalated further."),
                             number=request.number)  # fmt: skip
    group = None
    if level + 1 == VENDOR_LEVEL:
        if vendor is None:
            raise RequestRefused(N_("From L3 a request escalates to a vendor: choose the vendor."))
    else:
        tier = TIER_OF_LEVEL[level + 1]
        group = escalation_group(session, request, tier)
        if group is None:
            raise RequestRefused(N_("There is no active %(tier)s support group to escalate to."), tier=tier)
        vendor = None
    assign(
        session,
        request,
        actor=actor,
        roles=roles,
        now=now,
        group=group,
        vendor=vendor,
        reason=None,
    )
    with acting(session, actor):
        request.escalation_level = level + 1
        text = translate(N_("Escalated to %(target)s: %(reason)s"), target=str(group or vendor), reason=reason)
        _note(session, request, NoteKind.INTERNAL, text, actor=actor, now=now)


# ---------------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------------


def _note(
    session: Session,
    request: ServiceRequest,
    kind: NoteKind,
    body: str,
    *,
    actor: UserAccount | None,
    now: datetime,
    work_order=None,
    author_label: str | None = None,
) -> RequestNote:
    note = RequestNote(
        request=request,
        work_order_id=work_order.id if work_order is not None else None,
        customer_id=request.customer_id,
        vendor_id=getattr(work_order, "vendor_id", None),
        kind=kind,
        body=body,
        author_id=actor.id if actor is not None else None,
        author_label=author_label,
        created_at=now,
    )
    session.add(note)
    return note


def add_note(
    session: Session,
    request: ServiceRequest,
    *,
    kind: NoteKind,
    body: str,
    actor: UserAccount | None,
    now: datetime,
    work_order=None,
    author_label: str | None = None,
    from_customer: bool | None = None,
) -> RequestNote:
    """An internal note (staff only) or a reply the customer reads.

    A staff reply mails the contact. A reply from the customer (a customer account, or
    ``from_customer`` for a mailed-in reply) resumes a request waiting for the customer and
    restarts the auto-close clock of a resolved one. Customers cannot write internal notes.
    """
    body = _required(body, N_("Write the note."))
    check_editable(request)
    if from_customer is None:
        from_customer = actor is not None and actor.customer_id is not None
    if actor is not None and actor.customer_id is not None and actor.customer_id != request.customer_id:
        raise RequestForbidden(N_("This request belongs to another customer."))
    if from_customer and kind is not NoteKind.REPLY:
        raise RequestRefused(N_("Customers can only reply; internal notes are for staff."))
    with acting(session, actor, author_label):
        note = _note(
            session, request, kind, body, actor=actor, now=now, work_order=work_order, author_label=author_label
        )
        if from_customer:
            if request.status is RequestStatus.PENDING_CUSTOMER:
                request.status = apply_action({CUSTOMER}, request.status, RequestAction.RESUME, now=now)
                track_status(session, request, RequestStatus.PENDING_CUSTOMER, now=now)
            elif request.status is RequestStatus.RESOLVED:
                request.auto_close_from = now
                request.reminded_at = None
        elif kind is NoteKind.REPLY:
            record_first_response(request, now=now)
    if kind is NoteKind.REPLY and not from_customer:
        mail_contact(session, request, "request_reply", {"reply": note.body}, dedupe_key=f"reply:{note.id}")
    return note


# ---------------------------------------------------------------------------------------------
# Merge
# ---------------------------------------------------------------------------------------------


def merge(
    session: Session,
    duplicate: ServiceRequest,
    into: ServiceRequest,
    *,
    actor: UserAccount | None,
    roles: set[str],
    now: datetime,
    translate: Translate = plain,
) -> None:
    """Close ``duplicate`` as merged into ``into`` (same customer); both keep their history and get a note."""
    _check_may_dispatch(roles)
    if duplicate.id == into.id:
        raise RequestRefused(N_("A request cannot be merged into itself."))
    if duplicate.customer_id != into.customer_id:
        raise RequestRefused(
            N_("%(duplicate)s and %(into)s are requests of different customers; only the same customer's merge."),
            duplicate=duplicate.number,
            into=into.number,
        )
    check_editable(duplicate)
    check_editable(into)
    with acting(session, actor):
        previous = duplicate.status
        duplicate.status = RequestStatus.CLOSED
        track_status(session, duplicate, previous, now=now)
        duplicate.closed_at = now
        duplicate.auto_close_from = None
        duplicate.merged_into = into
        text = translate(N_("Merged into %(number)s."), number=into.number)
        _note(session, duplicate, NoteKind.INTERNAL, text, actor=actor, now=now)
        text = translate(N_("%(number)s was merged into this request."), number=duplicate.number)
        _note(session, into, NoteKind.INTERNAL, text, actor=actor, now=now)
