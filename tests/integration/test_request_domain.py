"""Service request rules against the demo database: taking, status actions, dispatch, notes, merge."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.domain.request_flow import TransitionRefused
from app.domain.service_requests import (
    RequestDraft,
    RequestForbidden,
    RequestRefused,
    add_note,
    assign,
    check_editable,
    create_request,
    desk_settings,
    escalate,
    matrix_priority,
    merge,
    perform,
    revise_request,
)
from models.contracts import Contract
from models.enums import NoteKind, Priority, RequestAction, RequestStatus, SupportTier
from models.history import ChangeLog
from models.notifications import MailOutbox, Notification
from models.service_requests import ServiceRequest
from tests.helpers import DemoRows, rendered

A = RequestAction
DISPATCHER = {"Dispatcher"}
ENGINEER = {"Engineer"}
CUSTOMER = {"Customer"}


@pytest.fixture
def ctx(app):
    """The app context, a session and demo rows by name."""
    from app.extensions import db

    with app.app_context():
        yield DemoRows(db.session)


def draft_for(customer, **changes) -> RequestDraft:
    values = {
        "customer_id": customer.id,
        "subject": "打印机卡纸",
        "contact_id": customer.contacts[0].id,
        "site_id": customer.sites[0].id,
        "impact": 3,
        "urgency": 2,
    }
    return RequestDraft(**{**values, **changes})


def new_request(ctx, code="C-HZXH", **changes) -> ServiceRequest:
    return create_request(
        ctx.session, draft_for(ctx.customer(code), **changes), actor=ctx.user("dispatcher"), now=ctx.now
    )


def request_count(ctx) -> int:
    return ctx.session.scalar(select(func.count(ServiceRequest.id)))


def mails(ctx, request, kind):
    return ctx.session.scalars(
        select(MailOutbox).where(MailOutbox.request_id == request.id, MailOutbox.kind == kind)
    ).all()


# ---------------------------------------------------------------------------------------------
# Taking a request
# ---------------------------------------------------------------------------------------------


def test_a_new_request_is_numbered_prioritised_under_contract_and_sla_and_mails_the_contact(ctx):
    request = new_request(ctx)
    today = ctx.now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert re.fullmatch(rf"SR-{today:%Y%m%d}-\d{{4}}", request.number)
    assert request.status is RequestStatus.NEW
    assert request.priority is matrix_priority(ctx.session, 3, 2)
    assert request.priority_override_reason is None
    assert request.created_by.username == "dispatcher"
    # The demo gives C-HZXH one contract running today (started 200 days ago), numbered after its start year.
    [running] = ctx.session.scalars(
        select(Contract).where(Contract.customer_id == ctx.customer("C-HZXH").id, Contract.start_date <= today,
                               Contract.end_date >= today)
    ).all()  # fmt: skip
    assert request.contract is running and re.fullmatch(rf"HT-{running.start_date.year}-\d{{4}}", running.number)
    assert request.sla_id is not None
    assert request.response_due_at is not None and request.resolution_due_at >= request.response_due_at
    created = mails(ctx, request, "request_created")
    assert len(created) == 1 and created[0].to_address == request.contact.email
    assert request.number in rendered(created[0]).subject


def test_two_requests_get_consecutive_numbers(ctx):
    first, second = new_request(ctx), new_request(ctx)
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_an_asset_of_another_customer_is_refused_and_nothing_saved(ctx):
    other_asset = ctx.customer("C-SEL")
    from models.assets import Asset

    asset = ctx.session.scalars(select(Asset).where(Asset.customer_id == other_asset.id)).first()
    before = request_count(ctx)
    with pytest.raises(RequestRefused) as refused:
        new_request(ctx, asset_id=asset.id)
    assert refused.value.message == "Asset %(asset)s belongs to another customer."
    assert request_count(ctx) == before


@pytest.mark.parametrize(
    ("field", "msgid"),
    [
        ("customer_id", "There is no customer with id %(id)s."),
        ("asset_id", "There is no asset with id %(id)s."),
        ("contact_id", "There is no contact with id %(id)s."),
    ],
)
def test_unknown_references_are_refused(ctx, field, msgid):
    with pytest.raises(RequestRefused) as refused:
        new_request(ctx, **{field: 999999})
    assert refused.value.message == msgid


def test_a_contact_or_site_of_another_customer_is_refused(ctx):
    other = ctx.customer("C-SEL")
    with pytest.raises(RequestRefused, match="contact of another customer"):
        new_request(ctx, contact_id=other.contacts[0].id)
    with pytest.raises(RequestRefused, match="belongs to another customer"):
        new_request(ctx, site_id=other.sites[0].id)


def test_an_inactive_customer_or_category_is_refused(ctx):
    from models.service_catalog import ServiceCategory

    customer = ctx.customer("C-HZXH")
    customer.active = False
    with pytest.raises(RequestRefused, match="inactive"):
        new_request(ctx)
    customer.active = True
    category = ctx.session.scalars(select(ServiceCategory)).first()
    category.active = False
    with pytest.raises(RequestRefused, match="inactive"):
        new_request(ctx, category_id=category.id)


def test_a_blank_subject_or_a_level_outside_1_to_4_is_refused(ctx):
    with pytest.raises(RequestRefused, match="subject"):
        new_request(ctx, subject="   ")
    with pytest.raises(RequestRefused, match="1 \\(highest\\) to 4"):
        new_request(ctx, impact=5)


def test_a_priority_override_needs_a_reason_which_is_recorded(ctx):
    derived = matrix_priority(ctx.session, 3, 2)
    other = Priority.P1 if derived is not Priority.P1 else Priority.P4
    with pytest.raises(RequestRefused, match="reason"):
        new_request(ctx, priority_override=other)
    request = new_request(ctx, priority_override=other, override_reason="客户生产线停工")
    assert request.priority is other
    assert request.priority_override_reason == "客户生产线停工"


def test_an_override_equal_to_the_matrix_is_no_override(ctx):
    request = new_request(ctx, priority_override=matrix_priority(ctx.session, 3, 2))
    assert request.priority_override_reason is None


def test_a_customer_account_opens_requests_only_for_its_own_company(ctx):
    draft = draft_for(ctx.customer("C-SEL"))
    with pytest.raises(RequestForbidden):
        create_request(ctx.session, draft, actor=ctx.user("customer1"), now=ctx.now)


# ---------------------------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------------------------


def test_an_edit_follows_the_matrix_when_impact_changes(ctx):
    request = new_request(ctx)
    request.impact, request.urgency = 1, 1
    revise_request(ctx.session, request, now=ctx.now)
    assert request.priority is matrix_priority(ctx.session, 1, 1)


def test_an_edit_setting_another_contact_of_another_customer_is_refused(ctx):
    request = new_request(ctx)
    request.contact = ctx.customer("C-SEL").contacts[0]
    with pytest.raises(RequestRefused, match="another customer"):
        revise_request(ctx.session, request, now=ctx.now)


def test_closed_and_cancelled_requests_cannot_be_edited(ctx):
    request = new_request(ctx)
    perform(ctx.session, request, A.CANCEL, actor=ctx.user("dispatcher"), roles=DISPATCHER, now=ctx.now, reason="重复")
    with pytest.raises(RequestRefused, match="cancelled"):
        check_editable(request)
    request.subject = "改了"
    with pytest.raises(RequestRefused):
        revise_request(ctx.session, request, now=ctx.now)


# ---------------------------------------------------------------------------------------------
# Status actions
# ---------------------------------------------------------------------------------------------


def worked(ctx) -> ServiceRequest:
    request = new_request(ctx)
    assign(
        ctx.session, request, actor=ctx.user("dispatcher"), roles=DISPATCHER, now=ctx.now, user=ctx.user("engineer1")
    )
    perform(ctx.session, request, A.START, actor=ctx.user("engineer1"), roles=ENGINEER, now=ctx.now)
    return request


def test_from_new_to_closed_with_times_survey_charge_and_mail(ctx):
    from models.contracts import EntitlementCharge

    request = worked(ctx)
    assert request.status is RequestStatus.IN_PROGRESS and request.started_at == ctx.now
    later = ctx.now + timedelta(hours=2)
    perform(
        ctx.session, request, A.RESOLVE, actor=ctx.user("engineer1"), roles=ENGINEER, now=later, resolution="更换搓纸轮"
    )
    assert request.status is RequestStatus.RESOLVED
    assert request.resolved_at == later and request.auto_close_from == later
    assert request.resolution == "更换搓纸轮"
    perform(ctx.session, request, A.CLOSE, actor=ctx.user("dispatcher"), roles=DISPATCHER, now=later)
    assert request.status is RequestStatus.CLOSED and request.closed_at == later
    assert len(mails(ctx, request, "request_closed")) == 1
    charges = ctx.session.scalars(select(EntitlementCharge).where(EntitlementCharge.request_id == request.id)).all()
    assert len(charges) == 1


def test_resolving_needs_a_resolution_text(ctx):
    request = worked(ctx)
    with pytest.raises(RequestRefused, match="resolution"):
        perform(ctx.session, request, A.RESOLVE, actor=None, roles=ENGINEER, now=ctx.now, resolution="  ")
    assert request.status is RequestStatus.IN_PROGRESS


def test_cancel_and_reopen_need_a_reason_kept_as_an_internal_note(ctx):
    request = new_request(ctx)
    with pytest.raises(RequestRefused, match="reason"):
        perform(ctx.session, request, A.CANCEL, actor=ctx.user("dispatcher"), roles=DISPATCHER, now=ctx.now)
    perform(
        ctx.session, request, A.CANCEL, actor=ctx.user("dispatcher"), roles=DISPATCHER, now=ctx.now, reason="客户撤回"
    )
    assert request.status is RequestStatus.CANCELLED
    assert [(n.kind, "客户撤回" in n.body) for n in request.notes] == [(NoteKind.INTERNAL, True)]


def test_reopen_from_closed_reverses_the_charge(ctx):
    from models.contracts import EntitlementCharge

    request = worked(ctx)
    perform(ctx.session, request, A.RESOLVE, actor=None, roles=ENGINEER, now=ctx.now, resolution="ok")
    perform(ctx.session, request, A.CLOSE, actor=ctx.user("customer1"), roles=CUSTOMER, now=ctx.now)
    perform(ctx.session, request, A.REOPEN, actor=ctx.user("customer1"), roles=CUSTOMER, now=ctx.now, reason="又坏了")
    assert request.status is RequestStatus.IN_PROGRESS
    assert request.closed_at is None and request.resolved_at is None
    total = ctx.session.scalar(
        select(func.sum(EntitlementCharge.requests)).where(EntitlementCharge.request_id == request.id)
    )
    assert total == 0


def test_reopen_after_the_desk_reopen_days_is_refused(ctx):
    request = worked(ctx)
    perform(ctx.session, request, A.RESOLVE, actor=None, roles=ENGINEER, now=ctx.now, resolution="ok")
    perform(ctx.session, request, A.CLOSE, actor=None, roles=DISPATCHER, now=ctx.now)
    days = desk_settings(ctx.session).reopen_days
    with pytest.raises(TransitionRefused):
        perform(
            ctx.session,
            request,
            A.REOPEN,
            actor=None,
            roles=DISPATCHER,
            now=ctx.now + timedelta(days=days + 1),
            reason="x",
        )


def test_cancel_after_work_started_is_refused_by_the_table(ctx):
    request = worked(ctx)
    with pytest.raises(TransitionRefused):
        perform(ctx.session, request, A.CANCEL, actor=None, roles=DISPATCHER, now=ctx.now, reason="x")


def test_a_customer_cannot_act_on_another_customers_request(ctx):
    request = worked(ctx)
    perform(ctx.session, request, A.RESOLVE, actor=None, roles=ENGINEER, now=ctx.now, resolution="ok")
    with pytest.raises(RequestForbidden):
        perform(ctx.session, request, A.CLOSE, actor=ctx.user("customer2"), roles=CUSTOMER, now=ctx.now)


def test_a_job_is_named_in_the_audit_trail(ctx):
    request = worked(ctx)
    perform(ctx.session, request, A.RESOLVE, actor=None, roles={"Admin"}, now=ctx.now, resolution="ok")
    perform(ctx.session, request, A.CLOSE, actor=None, roles={"Admin"}, now=ctx.now, actor_label="auto-close")
    row = ctx.session.scalars(
        select(ChangeLog)
        .where(ChangeLog.entity == "service_request", ChangeLog.entity_id == request.id)
        .order_by(ChangeLog.id.desc())
    ).first()
    assert row.actor_label == "auto-close" and row.actor_id is None
    assert row.changes["status"] == ["RESOLVED", "CLOSED"]


# ---------------------------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------------------------


def test_assigning_an_engineer_notifies_them_in_app_and_by_mail(ctx):
    request = new_request(ctx)
    engineer = ctx.user("engineer3")
    assign(ctx.session, request, actor=ctx.user("dispatcher"), roles=DISPATCHER, now=ctx.now, user=engineer)
    assert request.status is RequestStatus.ASSIGNED and request.assignee is engineer
    notes = ctx.session.scalars(select(Notification).where(Notification.request_id == request.id)).all()
    assert [n.recipient_id for n in notes] == [engineer.id]
    mail = mails(ctx, request, "request_assigned")
    assert len(mail) == 1 and mail[0].to_address == engineer.email and mail[0].language == "en"


def test_assigning_a_vendor_notifies_that_vendors_users(ctx):
    request = new_request(ctx)
    vendor = ctx.vendor("V-SHXX")
    assign(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, vendor=vendor)
    recipients = ctx.session.scalars(select(Notification.recipient_id).where(Notification.request_id == request.id))
    assert ctx.user("vendor1").id in set(recipients)
    assert ctx.user("vendor2").id not in set(recipients)
    assert request.escalation_level == 4


def test_inactive_targets_and_engineers_outside_the_group_are_refused(ctx):
    from models.support import SupportGroup

    request = new_request(ctx)
    engineer = ctx.user("engineer2")
    engineer.active = False
    with pytest.raises(RequestRefused, match="inactive"):
        assign(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, user=engineer)
    engineer.active = True
    l3 = ctx.session.scalars(select(SupportGroup).where(SupportGroup.tier == SupportTier.L3)).first()
    with pytest.raises(RequestRefused, match="not a member"):
        assign(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, user=engineer, group=l3)
    with pytest.raises(RequestRefused, match="not an engineer"):
        assign(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, user=ctx.user("customer1"))
    with pytest.raises(RequestRefused, match="Choose"):
        assign(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now)
    assert request.status is RequestStatus.NEW


def test_an_engineer_may_not_dispatch(ctx):
    request = new_request(ctx)
    with pytest.raises(RequestForbidden):
        assign(ctx.session, request, actor=None, roles=ENGINEER, now=ctx.now, user=ctx.user("engineer1"))


def test_reassigning_open_work_goes_back_to_assigned(ctx):
    request = worked(ctx)
    assign(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, user=ctx.user("engineer2"))
    assert request.status is RequestStatus.ASSIGNED and request.assignee.username == "engineer2"


def test_escalation_climbs_l1_l2_l3_then_needs_a_vendor(ctx):
    request = new_request(ctx)
    with pytest.raises(RequestRefused, match="reason"):
        escalate(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, reason="")
    escalate(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, reason="一线无法解决")
    assert request.escalation_level == 2 and request.assignee_group.tier is SupportTier.L2
    assert request.assignee is None and request.status is RequestStatus.ASSIGNED
    escalate(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, reason="需要专家")
    assert request.escalation_level == 3 and request.assignee_group.tier is SupportTier.L3
    with pytest.raises(RequestRefused, match="vendor"):
        escalate(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, reason="原厂")
    escalate(
        ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, reason="原厂", vendor=ctx.vendor("V-SHXX")
    )
    assert request.escalation_level == 4 and request.assignee_vendor.code == "V-SHXX"
    with pytest.raises(RequestRefused, match="already with a vendor"):
        escalate(ctx.session, request, actor=None, roles=DISPATCHER, now=ctx.now, reason="再升级")
    reasons = [note.body for note in request.notes if note.kind is NoteKind.INTERNAL]
    assert any("一线无法解决" in body for body in reasons) and any("原厂" in body for body in reasons)


# ---------------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------------


def test_a_staff_reply_mails_the_contact_an_internal_note_does_not(ctx):
    request = new_request(ctx)
    add_note(ctx.session, request, kind=NoteKind.INTERNAL, body="内部备注", actor=ctx.user("dispatcher"), now=ctx.now)
    assert mails(ctx, request, "request_reply") == []
    add_note(ctx.session, request, kind=NoteKind.REPLY, body="请重启设备", actor=ctx.user("dispatcher"), now=ctx.now)
    assert len(mails(ctx, request, "request_reply")) == 1
    assert request.first_response_at == ctx.now


def test_a_customer_reply_resumes_a_request_waiting_for_the_customer(ctx):
    request = worked(ctx)
    perform(ctx.session, request, A.WAIT_CUSTOMER, actor=None, roles=ENGINEER, now=ctx.now)
    add_note(ctx.session, request, kind=NoteKind.REPLY, body="已重启", actor=ctx.user("customer1"), now=ctx.now)
    assert request.status is RequestStatus.IN_PROGRESS


def test_a_customer_reply_restarts_the_auto_close_clock(ctx):
    request = worked(ctx)
    perform(ctx.session, request, A.RESOLVE, actor=None, roles=ENGINEER, now=ctx.now, resolution="ok")
    later = ctx.now + timedelta(days=1)
    add_note(ctx.session, request, kind=NoteKind.REPLY, body="还有问题", actor=ctx.user("customer1"), now=later)
    assert request.auto_close_from == later and request.status is RequestStatus.RESOLVED


def test_customers_cannot_write_internal_notes_or_notes_on_others_requests(ctx):
    request = new_request(ctx)
    with pytest.raises(RequestRefused, match="only reply"):
        add_note(ctx.session, request, kind=NoteKind.INTERNAL, body="x", actor=ctx.user("customer1"), now=ctx.now)
    with pytest.raises(RequestForbidden):
        add_note(ctx.session, request, kind=NoteKind.REPLY, body="x", actor=ctx.user("customer2"), now=ctx.now)
    with pytest.raises(RequestRefused, match="Write the note"):
        add_note(ctx.session, request, kind=NoteKind.REPLY, body=" ", actor=ctx.user("customer1"), now=ctx.now)


# ---------------------------------------------------------------------------------------------
# Merge and settings
# ---------------------------------------------------------------------------------------------


def test_merging_closes_the_duplicate_and_notes_both(ctx):
    duplicate, into = new_request(ctx), new_request(ctx)
    merge(ctx.session, duplicate, into, actor=ctx.user("dispatcher"), roles=DISPATCHER, now=ctx.now)
    assert duplicate.status is RequestStatus.CLOSED and duplicate.merged_into is into
    assert into.number in duplicate.notes[-1].body and duplicate.number in into.notes[-1].body
    logged = ctx.session.scalars(select(ChangeLog.entity_id).where(ChangeLog.entity == "service_request")).all()
    assert duplicate.id in logged and into.id in logged


def test_merging_requests_of_different_customers_or_into_itself_is_refused(ctx):
    first, other = new_request(ctx), new_request(ctx, code="C-SEL")
    with pytest.raises(RequestRefused, match="different customers"):
        merge(ctx.session, first, other, actor=None, roles=DISPATCHER, now=ctx.now)
    with pytest.raises(RequestRefused, match="itself"):
        merge(ctx.session, first, first, actor=None, roles=DISPATCHER, now=ctx.now)
    assert first.status is RequestStatus.NEW


def test_desk_settings_exist_with_defaults(ctx):
    settings = desk_settings(ctx.session)
    assert settings.id is not None and settings.reopen_days >= 0
    assert desk_settings(ctx.session) is settings
