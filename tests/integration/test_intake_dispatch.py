"""The dispatch suggestion on a request's page: who is offered, from how many statements, and the
one-click assignment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import g, render_template_string
from flask_login import login_user
from sqlalchemy import select

from app.domain.dispatch import load_candidates, suggest
from app.extensions import db
from models.enums import RequestStatus
from models.service_requests import ServiceRequest
from tests.helpers import csrf_token
from tests.integration import test_intake_lookup as lookup
from tests.integration.test_query_budget import counted_statements

NOW = datetime.now(UTC)
PARTIAL = "{% include 'desk/_dispatch_suggestions.html' %}"


@pytest.fixture
def server_request(app) -> int:
    """A new request for a demo customer in 华东, in the server category (which needs the SRV skill)."""
    from models.organisations import Customer
    from models.service_catalog import ServiceCategory

    with app.app_context():
        customer = db.session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
        category = db.session.scalars(select(ServiceCategory).where(ServiceCategory.name == "服务器")).first()
        item = lookup.add_request(db.session, customer, "服务器宕机", category=category)
        db.session.commit()
        return item.id


@pytest.fixture
def item(app, server_request):
    """The request in a session of its own, for domain tests (the app context is held throughout)."""
    with app.app_context():
        yield db.session.get(ServiceRequest, server_request)


def user(username):
    from models.users import UserAccount

    return db.session.scalars(select(UserAccount).where(UserAccount.username == username)).one()


def test_engineers_are_loaded_with_skill_workload_and_calendar(item):
    engineer1 = user("engineer1")
    lookup.add_request(db.session, item.customer, "在办", RequestStatus.IN_PROGRESS, assignee=engineer1)
    lookup.add_request(db.session, item.customer, "已关", RequestStatus.CLOSED, assignee=engineer1)
    candidates = {c.name: c for c in load_candidates(db.session, skill_id=item.category.required_skill_id)}
    assert candidates["张伟"].has_skill and not candidates["刘洋"].has_skill  # engineer1 has SRV, engineer2 not
    assert candidates["张伟"].open_requests == 1  # the closed one does not count
    assert all(c.calendar is not None for c in candidates.values())


def test_an_engineer_without_calendar_works_by_the_default_one(item):
    from models.support import EngineerProfile

    profile = db.session.scalars(select(EngineerProfile).where(EngineerProfile.user == user("engineer2"))).one()
    profile.calendar = None
    db.session.flush()
    [candidate] = [c for c in load_candidates(db.session, skill_id=None) if c.name == "刘洋"]
    assert candidate.calendar is not None


def test_inactive_engineers_and_the_current_assignee_are_not_suggested(item):
    from models.support import EngineerProfile

    db.session.scalars(select(EngineerProfile).where(EngineerProfile.user == user("engineer3"))).one().active = False
    item.assignee = user("engineer1")
    db.session.flush()
    names = {s.name for s in suggest(db.session, item, now=NOW, limit=50)}
    assert "David Chen" not in names and "张伟" not in names and "刘洋" in names


def test_loading_candidates_costs_the_same_statements_with_more_engineers_and_work(app, item):
    with counted_statements(app) as before:
        load_candidates(db.session, skill_id=1)
    for username in ("engineer1", "engineer2", "engineer4"):
        engineer = user(username)
        lookup.add_request(db.session, item.customer, "工作", RequestStatus.ASSIGNED, assignee=engineer)
    with counted_statements(app) as after:
        load_candidates(db.session, skill_id=1)
    assert len(after) == len(before) <= 5, "\n".join(after)


def render_partial(app, username, request_id):
    """The partial as the request page includes it, for a logged-in ``username``."""
    with app.test_request_context("/?_l_=en"):
        g.user = user(username)  # what FAB's before_request sets
        login_user(g.user)
        return render_template_string(PARTIAL, item=db.session.get(ServiceRequest, request_id))


def test_a_dispatcher_sees_five_ranked_engineers_with_reasons(app, server_request):
    html = render_partial(app, "dispatcher", server_request)
    assert html.count('class="sd-suggestion"') == 5
    assert "Has the skill" in html and "open requests" in html
    assert f"/intake/assign/{server_request}" in html


def test_an_engineer_or_a_started_request_gets_no_suggestions(app, server_request):
    assert "sd-dispatch-suggestions" not in render_partial(app, "engineer1", server_request)
    with app.app_context():
        db.session.get(ServiceRequest, server_request).status = RequestStatus.IN_PROGRESS
        db.session.commit()
    assert "sd-dispatch-suggestions" not in render_partial(app, "dispatcher", server_request)


def assign_post(app, client, request_id, engineer, stale=False):
    with app.app_context():
        version = db.session.get(ServiceRequest, request_id).version - (1 if stale else 0)
        engineer_id = user(engineer).id
    return client.post(
        f"/intake/assign/{request_id}?_l_=en",
        data={"csrf_token": csrf_token(client), "user": engineer_id, "version": version},
    )


def assignee(app, request_id) -> tuple[RequestStatus, str | None]:
    with app.app_context():
        saved = db.session.get(ServiceRequest, request_id)
        return saved.status, saved.assignee.username if saved.assignee else None


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def test_one_click_assigns_and_goes_back_to_the_request(app, login_as, server_request):
    client = login_as("dispatcher")
    resp = assign_post(app, client, server_request, "engineer1")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/requests/show/{server_request}")
    assert assignee(app, server_request) == (RequestStatus.ASSIGNED, "engineer1")
    assert any("was assigned to 张伟" in message for message in flashes(client))


def test_a_stale_page_does_not_assign(app, login_as, server_request):
    client = login_as("dispatcher")
    assign_post(app, client, server_request, "engineer1", stale=True)
    assert assignee(app, server_request) == (RequestStatus.NEW, None)
    assert any("was changed since the page was shown" in message for message in flashes(client))


def test_an_engineer_cannot_assign_and_is_told_why(app, login_as, server_request):
    client = login_as("engineer1")
    assign_post(app, client, server_request, "engineer2")
    assert assignee(app, server_request) == (RequestStatus.NEW, None)
    assert any("may not dispatch" in message for message in flashes(client))


def test_vendors_and_customers_cannot_reach_the_assign_endpoint(app, login_as, server_request):
    for username in ("vendor1", "customer1"):
        resp = assign_post(app, login_as(username), server_request, "engineer1")
        assert resp.status_code in (302, 403)
    assert assignee(app, server_request) == (RequestStatus.NEW, None)


def test_the_request_page_offers_the_suggestions_to_a_dispatcher_only(login_as, server_request):
    page = login_as("dispatcher").get(f"/requests/show/{server_request}?_l_=en")
    assert page.status_code == 200
    assert "sd-dispatch-suggestions" in page.text and "Suggested engineers" in page.text
    assert "sd-dispatch-suggestions" not in login_as("engineer1").get(f"/requests/show/{server_request}").text
