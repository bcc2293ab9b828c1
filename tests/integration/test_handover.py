"""A leaving engineer's open work is handed over before the account is deactivated."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.domain.handover import hand_over, open_work
from app.domain.service_requests import RequestDraft, RequestRefused, assign, create_request
from app.domain.work_orders import create_work_order
from models.enums import WorkOrderStatus, WorkOrderType
from models.organisations import Customer
from models.users import UserAccount
from tests.helpers import form_csrf_token

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _user(session, name: str) -> UserAccount:
    return session.scalars(select(UserAccount).where(UserAccount.username == name)).one()


@pytest.fixture
def busy_engineer(app):
    """engineer1 holding one request and one work order of it; returns their ids."""
    from app.extensions import db

    with app.app_context():
        session = db.session
        customer = session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
        dispatcher, engineer = _user(session, "dispatcher"), _user(session, "engineer1")
        request = create_request(
            session, RequestDraft(customer_id=customer.id, subject="交接测试"), actor=dispatcher, now=NOW
        )
        assign(session, request, actor=dispatcher, roles={"Dispatcher"}, now=NOW, user=engineer)
        work_order = create_work_order(
            session, request, work_type=WorkOrderType.ON_SITE, actor=dispatcher, now=NOW, assignee_user=engineer
        )
        session.commit()
        yield {"request": request.id, "work_order": work_order.id, "engineer": engineer.id}


def _edit_form(client, user_id: int, **changes) -> dict:
    page = client.get(f"/users/edit/{user_id}")
    from app.extensions import db

    user = db.session.get(UserAccount, user_id)
    form = {
        "csrf_token": form_csrf_token(page.text),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "email": user.email,
        "roles": [str(role.id) for role in user.roles],
        "preferred_language": user.preferred_language,
        "active": "y",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_deactivating_an_engineer_with_open_work_is_refused_and_names_the_way_out(app, login_as, busy_engineer):
    client = login_as("admin")
    with app.app_context():
        form = _edit_form(client, busy_engineer["engineer"], active=None)
        page = client.post(f"/users/edit/{busy_engineer['engineer']}", data=form, follow_redirects=True)
        assert "仍有 1 个未完成的服务请求和 1 个未完成的工单" in page.text  # the admin reads Chinese
        assert "移交未完成工作" in page.text
        from app.extensions import db

        db.session.expire_all()
        assert db.session.get(UserAccount, busy_engineer["engineer"]).active is True


def test_the_handover_page_moves_everything_then_deactivates(app, login_as, busy_engineer):
    client = login_as("admin")
    engineer_id = busy_engineer["engineer"]
    assert f"/users/handover/{engineer_id}" in client.get(f"/users/show/{engineer_id}").text
    page = client.get(f"/users/handover/{engineer_id}")
    assert page.status_code == 200
    assert "交接测试" in page.text
    with app.app_context():
        from app.extensions import db

        target = _user(db.session, "engineer2")
        done = client.post(
            f"/users/handover/{engineer_id}",
            data={"csrf_token": form_csrf_token(page.text), "to_user": str(target.id), "deactivate": "1"},
            follow_redirects=True,
        )
        assert "已将 1 个服务请求和 1 个工单转交给" in done.text
        db.session.expire_all()
        assert not open_work(db.session, engineer_id)
        moved = open_work(db.session, target.id)
        assert busy_engineer["request"] in [item.id for item in moved.requests]
        assert [wo.status for wo in moved.work_orders if wo.id == busy_engineer["work_order"]] == [
            WorkOrderStatus.ASSIGNED
        ]
        assert db.session.get(UserAccount, engineer_id).active is False


def test_handover_without_a_colleague_is_refused_and_changes_nothing(app, login_as, busy_engineer):
    client = login_as("admin")
    engineer_id = busy_engineer["engineer"]
    page = client.get(f"/users/handover/{engineer_id}", headers={"Accept-Language": "zh"})
    refused = client.post(
        f"/users/handover/{engineer_id}",
        data={"csrf_token": form_csrf_token(page.text), "to_user": "", "deactivate": "1"},
        headers={"Accept-Language": "zh"},
        follow_redirects=True,
    )
    assert "请选择接手未完成工作的人。" in refused.text
    with app.app_context():
        from app.extensions import db

        assert len(open_work(db.session, engineer_id).requests) == 1
        assert db.session.get(UserAccount, engineer_id).active is True


def test_handing_over_to_oneself_is_refused(app, busy_engineer):
    from app.extensions import db

    with app.app_context():
        engineer = db.session.get(UserAccount, busy_engineer["engineer"])
        with pytest.raises(RequestRefused):
            hand_over(
                db.session, engineer, to_user=engineer, actor=_user(db.session, "admin"), roles={"Admin"}, now=NOW
            )


def test_only_admins_reach_the_handover_page(login_as, busy_engineer):
    response = login_as("dispatcher").get(f"/users/handover/{busy_engineer['engineer']}")
    assert response.status_code in (302, 403)


def test_a_work_order_already_on_site_keeps_its_status_and_ola_and_tells_the_colleague(app, busy_engineer):
    from app.extensions import db
    from models.notifications import Notification
    from models.work_orders import WorkOrder

    with app.app_context():
        work_order = db.session.get(WorkOrder, busy_engineer["work_order"])
        work_order.status = WorkOrderStatus.ON_SITE
        work_order.response_due_at = NOW
        engineer, colleague = db.session.get(UserAccount, busy_engineer["engineer"]), _user(db.session, "engineer2")
        hand_over(db.session, engineer, to_user=colleague, actor=_user(db.session, "admin"), roles={"Admin"}, now=NOW)
        db.session.expire_all()
        moved = db.session.get(WorkOrder, busy_engineer["work_order"])
        assert (moved.status, moved.assignee_user_id, moved.response_due_at) == (
            WorkOrderStatus.ON_SITE,
            colleague.id,
            NOW,
        )
        mine = (Notification.work_order_id == moved.id, Notification.recipient_id == colleague.id)
        told = db.session.scalars(select(Notification).where(*mine)).all()
        assert len(told) == 1
