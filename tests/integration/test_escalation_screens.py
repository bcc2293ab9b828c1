"""Escalation rules (升级规则) and fired escalations (升级记录): screens, REST APIs, acknowledging."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.helpers import csrf_token, form_csrf_token
from tests.integration.test_request_screens import make

RULES = "/escalation-rules"
API = "/api/v1/escalationrule/"


def one(app, model, **criteria):
    from app.extensions import db

    with app.app_context():
        return db.session.scalars(select(model).filter_by(**criteria)).first()


def ids(app, model, attribute, values) -> list[int]:
    from app.extensions import db

    with app.app_context():
        return [row.id for row in db.session.scalars(select(model).where(getattr(model, attribute).in_(values)))]


def post_form(client, url, data, page_url):
    token = form_csrf_token(client.get(page_url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def rule_form(name="测试升级规则", **extra) -> dict:
    data = {"name": name, "target": "REQUEST_RESOLUTION", "trigger": "PERCENT_ELAPSED", "trigger_value": "80",
            "level": "2", "notify_assignee": "y", "active": "y",
            "repeat_minutes": "30", "max_repeats": "3"}  # fmt: skip
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def translated(app, msgid: str, **params) -> str:
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("zh"):
        return gettext(msgid, **params)


def select_options(html: str, name: str) -> set[str]:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no {name} select"
    return set(re.findall(r'value="([^"]*)"', match.group(1)))


# ---------------------------------------------------------------------------------------------
# Rules: screen
# ---------------------------------------------------------------------------------------------


def test_admin_creates_a_rule_through_the_form_and_sees_it_in_words(app, login_as):
    from flask_appbuilder.security.sqla.models import Role

    from models.escalation import EscalationRule

    manager = one(app, Role, name="Manager")
    client = login_as("admin")
    form = client.get(f"{RULES}/add").text
    assert "升级规则" in form and "为空：所有优先级" in form  # zh labels and descriptions
    data = rule_form(priorities=["P2", "P1"], tiers=["GOLD"], notify_role=str(manager.id))
    post_form(client, f"{RULES}/add", data, f"{RULES}/add")
    rule = one(app, EscalationRule, name="测试升级规则")
    assert rule is not None
    assert rule.priorities == ["P1", "P2"] and rule.tiers == ["GOLD"]  # member names, in member order
    assert rule.notify_role_id == manager.id and rule.level == 2 and rule.max_repeats == 3

    listing = client.get(f"{RULES}/list/").text
    assert "测试升级规则" in listing and "目标时限已过 80%" in listing and "每 30 分钟，最多 3 次" in listing
    assert "职能升级链" in listing  # the help on building chains
    english = client.get(f"{RULES}/list/?_l_=en").text
    assert "80% of the target elapsed" in english and "every 30 min, at most 3 times" in english
    page = client.get(f"{RULES}/show/{rule.id}?_l_=en").text
    assert "Applies to Priorities: P1 Critical, P2 High; Customer tiers: Gold." in page
    assert "Fires at 80% of the target elapsed." in page
    assert "notify everyone with the role Service manager" in page and "Change history" in page


def test_the_form_offers_only_staff_to_notify_and_engineers_to_reassign_to(app, login_as):
    from models.users import UserAccount

    form = login_as("admin").get(f"{RULES}/add").text
    outside = {str(pk) for pk in ids(app, UserAccount, "username", ["vendor1", "customer1"])}
    staff = {str(pk) for pk in ids(app, UserAccount, "username", ["dispatcher", "manager"])}
    engineer = {str(pk) for pk in ids(app, UserAccount, "username", ["engineer1"])}
    notify = select_options(form, "notify_users")
    assert staff <= notify and not outside & notify
    reassign = select_options(form, "reassign_user")
    assert engineer <= reassign and not (outside | staff) & reassign
    assert "服务经理" in form  # the Manager role by its translated name


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"trigger_value": "0"}, "A percentage of the target runs from 1 to 1000."),
        ({"repeat_minutes": ""}, "Give the minutes between repeats, or set the number of repeats to 0."),
        ("two_targets", "Reassign to one group, one engineer or one vendor, not several."),
    ],
)
def test_invalid_rules_are_refused_in_the_users_language_and_nothing_is_saved(app, login_as, extra, message):
    from models.escalation import EscalationRule
    from models.organisations import Vendor
    from models.support import SupportGroup

    if extra == "two_targets":
        group = one(app, SupportGroup, active=True)
        vendor = one(app, Vendor, code="V-SHXX")
        extra = {"reassign_group": str(group.id), "reassign_vendor": str(vendor.id)}
    client = login_as("admin")
    resp = post_form(client, f"{RULES}/add?_l_=en", rule_form("坏规则", **extra), f"{RULES}/add")
    assert message in resp.text
    assert one(app, EscalationRule, name="坏规则") is None
    zh = translated(app, message)
    assert zh != message  # the domain's msgid has a Chinese translation …
    assert zh in post_form(client, f"{RULES}/add", rule_form("坏规则", **extra), f"{RULES}/add").text  # … shown
    assert one(app, EscalationRule, name="坏规则") is None


def test_a_bad_edit_changes_nothing(app, login_as):
    from models.escalation import EscalationRule

    client = login_as("admin")
    post_form(client, f"{RULES}/add", rule_form("可编辑规则"), f"{RULES}/add")
    rule = one(app, EscalationRule, name="可编辑规则")
    resp = post_form(client, f"{RULES}/edit/{rule.id}?_l_=en", rule_form("可编辑规则", trigger_value="0"),
                     f"{RULES}/edit/{rule.id}")  # fmt: skip
    assert "A percentage of the target runs from 1 to 1000." in resp.text
    assert one(app, EscalationRule, id=rule.id).trigger_value == 80


# ---------------------------------------------------------------------------------------------
# Rules: API
# ---------------------------------------------------------------------------------------------


def api_body(**extra) -> dict:
    return {"name": "API 升级规则", "target": "request_response", "trigger": "before_due", "trigger_value": 30,
            "level": 1, "priorities": ["P1"], "notify_group_lead": True, **extra}  # fmt: skip


def test_the_api_creates_a_rule_and_refuses_broken_ones_with_a_400(app, login_as):
    from flask_appbuilder.security.sqla.models import Role

    from models.escalation import EscalationRule
    from models.organisations import Vendor
    from models.support import SupportGroup
    from models.users import UserAccount

    client = login_as("admin")
    headers = {"X-CSRFToken": csrf_token(client)}
    group, vendor = one(app, SupportGroup, active=True), one(app, Vendor, code="V-SHXX")
    broken = [
        ({"trigger": "percent_elapsed", "trigger_value": 0}, "A percentage of the target runs from 1 to 1000."),
        ({"max_repeats": 2}, "Give the minutes between repeats, or set the number of repeats to 0."),
        ({"reassign_group": group.id, "reassign_vendor": vendor.id}, "not several"),
        ({"priorities": ["P9"]}, "Unknown priority: P9."),
        ({"notify_users": [one(app, UserAccount, username="vendor1").id]}, "Escalations go to staff only"),
        ({"notify_role": one(app, Role, name="Customer").id}, "Notify a staff role"),
    ]
    for extra, message in broken:
        resp = client.post(f"{API}?_l_=en", json=api_body(**extra), headers=headers)
        assert resp.status_code == 400 and message in resp.get_json()["message"], resp.text
    zh = client.post(API, json=api_body(trigger="percent_elapsed", trigger_value=0), headers=headers)
    assert zh.status_code == 400
    assert zh.get_json()["message"] == translated(app, "A percentage of the target runs from 1 to 1000.")
    assert one(app, EscalationRule, name="API 升级规则") is None

    created = client.post(API, json=api_body(), headers=headers)
    assert created.status_code == 201, created.text
    pk = created.get_json()["id"]
    shown = client.get(f"{API}{pk}").get_json()["result"]
    assert shown["priorities"] == ["P1"] and shown["notify_group_lead"] is True and shown["notify_assignee"] is True
    refused = client.put(f"{API}{pk}?_l_=en", json={"repeat_minutes": 0}, headers=headers)
    assert refused.status_code == 400 and "at least one minute apart" in refused.get_json()["message"]


# ---------------------------------------------------------------------------------------------
# Who may see what
# ---------------------------------------------------------------------------------------------


def test_dispatcher_reads_rules_but_cannot_add_them(app, login_as):
    from models.escalation import EscalationRule

    client = login_as("dispatcher")
    assert client.get(f"{RULES}/list/").status_code == 200
    assert client.get(API).status_code == 200
    assert client.get(f"{RULES}/add").status_code in (302, 403)
    refused = client.post(f"{RULES}/add", data={**rule_form("调度员的规则"), "csrf_token": csrf_token(client)})
    assert refused.status_code in (302, 403)
    resp = client.post(API, json=api_body(name="调度员的规则"), headers={"X-CSRFToken": csrf_token(client)})
    assert resp.status_code in (401, 403)
    assert one(app, EscalationRule, name="调度员的规则") is None


@pytest.mark.parametrize("username", ["vendor1", "customer1"])
def test_vendors_and_customers_see_neither_screen_nor_api(app, login_as, username):
    client = login_as(username)
    for url in (f"{RULES}/list/", "/escalations/list/"):
        assert client.get(url).status_code in (302, 403), url
    for url in (API, "/api/v1/escalationevent/"):
        assert client.get(url).status_code in (401, 403), url
    assert "/escalations/list/" not in client.get("/").text  # no menu entry


# ---------------------------------------------------------------------------------------------
# Escalations: list and acknowledging
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def fired(app):
    """A request with two level-1 events (first notice late, then a repeat), one level-2 event, and notices."""
    from app.extensions import db
    from models.base import utcnow
    from models.enums import EscalationTarget, EscalationTrigger
    from models.escalation import EscalationEvent, EscalationRule
    from models.notifications import Notification
    from models.service_requests import ServiceRequest
    from models.users import UserAccount

    pk, number = make(app, subject="升级测试请求")
    with app.app_context():
        session = db.session
        request = session.get(ServiceRequest, pk)
        dispatcher = session.scalars(select(UserAccount).where(UserAccount.username == "dispatcher")).one()
        rules = [
            EscalationRule(
                name=f"测试升级{level}",
                target=EscalationTarget.REQUEST_RESOLUTION,
                trigger=EscalationTrigger.PERCENT_ELAPSED,
                trigger_value=50 * level,
                level=level,
                repeat_minutes=10,
                max_repeats=2,
            )
            for level in (1, 2)
        ]
        session.add_all(rules)
        session.flush()
        now = utcnow()
        events = []
        for rule, repeat, late, minutes_ago in (
            (rules[0], 0, True, 30),
            (rules[0], 1, False, 20),
            (rules[1], 0, False, 5),
        ):
            event = EscalationEvent(
                rule_id=rule.id,
                subject_key=f"R{pk}",
                request_id=pk,
                customer_id=request.customer_id,
                target=rule.target,
                level=rule.level,
                repeat=repeat,
                late=late,
                due_at=now - timedelta(minutes=minutes_ago + 6),
                fired_at=now - timedelta(minutes=minutes_ago),
                actions={},
            )
            session.add(event)
            events.append(event)
        events[0].actions = {"notified": [dispatcher.id], "priority": "P2", "reassigned": "二线技术支持"}
        session.flush()
        notices = [
            Notification(
                recipient_id=dispatcher.id,
                kind="escalation",
                message="Escalation: %(number)s",
                params={"number": number},
                request_id=pk,
                escalation_event_id=event.id,
            )  # fmt: skip
            for event in events
        ]
        session.add_all(notices)
        session.commit()
        return {"request": pk, "number": number, "events": [e.id for e in events], "notices": [n.id for n in notices]}


def acknowledged(app, model, pks) -> list[bool]:
    from app.extensions import db

    with app.app_context():
        db.session.expire_all()
        return [db.session.get(model, pk).acknowledged_at is not None for pk in pks]


def test_the_list_shows_events_newest_first_with_links_and_a_late_badge(app, login_as, fired):
    client = login_as("dispatcher")
    assert "/escalations/list/" in client.get("/").text  # the menu entry
    page = client.get("/escalations/list/").text
    assert f'href="/requests/show/{fired["request"]}">{fired["number"]}</a>' in page
    assert "补发" in page and "测试升级1" in page
    assert page.index("测试升级2") < page.index("测试升级1")  # newest first
    level_2 = client.get("/escalations/list/?_flt_0_level=2").text
    assert "测试升级2" in level_2 and "测试升级1" not in level_2
    shown = client.get(f"/escalations/show/{fired['events'][0]}?_l_=en").text
    assert "Notified: 晓梅李" in shown or "Notified: 李晓梅" in shown
    assert "Priority raised to P2 High" in shown and "Reassigned to 二线技术支持" in shown
    late = client.get("/escalations/list/?_flt_0_late=y").text
    assert "测试升级1" in late and "测试升级2" not in late
    assert f"/escalations/edit/{fired['events'][0]}" not in page and "/escalations/add" not in page  # sweep's rows
    assert client.get(f"/escalations/edit/{fired['events'][0]}").status_code in (302, 403)


def test_acknowledging_stops_the_levels_events_and_notices_and_needs_csrf(app, login_as, fired):
    from models.escalation import EscalationEvent
    from models.notifications import Notification
    from models.users import UserAccount

    first, repeat, level_2 = fired["events"]
    client = login_as("dispatcher")
    url = f"/escalations/acknowledge/{repeat}"
    assert client.post(url, data={"next": "/escalations/list/"}).status_code == 400  # no CSRF token
    assert acknowledged(app, EscalationEvent, fired["events"]) == [False, False, False]

    token = form_csrf_token(client.get("/escalations/list/").text)  # the row's own acknowledge form
    next_url = f"/requests/show/{fired['request']}"
    resp = client.post(url, data={"csrf_token": token, "next": next_url})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(next_url)
    assert acknowledged(app, EscalationEvent, fired["events"]) == [True, True, False]
    assert acknowledged(app, Notification, fired["notices"]) == [True, True, False]
    assert one(app, EscalationEvent, id=first).acknowledged_by_id == one(app, UserAccount, username="dispatcher").id
    unacknowledged = client.get("/escalations/list/?_flt_0_acknowledged_at=").text
    assert "测试升级2" in unacknowledged and "测试升级1" not in unacknowledged


def test_acknowledge_redirects_only_within_the_site_and_flashes(app, login_as, fired):
    client = login_as("engineer1")
    token = csrf_token(client)
    url = f"/escalations/acknowledge/{fired['events'][2]}?_l_=en"
    resp = client.post(url, data={"csrf_token": token, "next": "https://evil.example/x"})
    assert resp.headers["Location"].endswith("/escalations/list/")
    followed = client.post(url, data={"csrf_token": token, "next": "//evil.example/x"}, follow_redirects=True)
    assert followed.request.path == "/escalations/list/" and "already acknowledged" in followed.text
    assert client.post("/escalations/acknowledge/999999", data={"csrf_token": token}).status_code == 404


def test_the_acknowledge_flash_is_translated(app, login_as, fired):
    client = login_as("manager")
    resp = client.post(f"/escalations/acknowledge/{fired['events'][0]}",
                       data={"csrf_token": csrf_token(client)}, follow_redirects=True)  # fmt: skip
    assert translated(app, "Escalation acknowledged: its repeats stop.") in resp.text
    assert "已确认" in translated(app, "Escalation acknowledged: its repeats stop.")


def test_acknowledging_the_notification_acknowledges_its_escalation(app, login_as, fired):
    from models.escalation import EscalationEvent
    from models.notifications import Notification

    client = login_as("dispatcher")
    notice = fired["notices"][2]
    resp = client.post(f"/notifications/{notice}/acknowledge?_l_=en", data={"csrf_token": csrf_token(client)},
                       follow_redirects=True)  # fmt: skip
    assert "Escalation acknowledged: its repeats stop." in resp.text
    assert acknowledged(app, EscalationEvent, fired["events"]) == [False, False, True]
    assert acknowledged(app, Notification, fired["notices"]) == [False, False, True]


def test_the_event_api_is_read_only(app, login_as, fired):
    client = login_as("dispatcher")
    rows = client.get("/api/v1/escalationevent/").get_json()["result"]
    mine = [row for row in rows if row["request_id"] == fired["request"]]
    assert [row["level"] for row in mine] == [2, 1, 1] and mine[2]["late"] is True
    assert "password" not in str(rows)
    query = "(filters:!((col:acknowledged_at,opr:unack,value:'')))"
    client.post(f"/escalations/acknowledge/{fired['events'][0]}", data={"csrf_token": csrf_token(client)})
    open_rows = client.get(f"/api/v1/escalationevent/?q={query}").get_json()["result"]
    assert [row["level"] for row in open_rows if row["request_id"] == fired["request"]] == [2]
    assert client.get(f"/api/v1/escalationevent/{fired['events'][0]}").status_code == 200
    headers = {"X-CSRFToken": csrf_token(client)}
    assert client.post("/api/v1/escalationevent/", json={}, headers=headers).status_code in (404, 405)
    assert client.delete(f"/api/v1/escalationevent/{fired['events'][0]}", headers=headers).status_code in (404, 405)


def test_a_rule_that_has_fired_is_deactivated_not_deleted(app, login_as, fired):
    from models.escalation import EscalationRule

    rule = one(app, EscalationRule, name="测试升级1")
    client = login_as("admin")
    resp = client.post(f"{RULES}/delete/{rule.id}?_l_=en", data={"csrf_token": csrf_token(client)},
                       follow_redirects=True)  # fmt: skip
    assert "Deactivate it instead of deleting it." in resp.text
    assert one(app, EscalationRule, id=rule.id) is not None


def test_the_escalations_list_costs_the_same_statements_at_page_size_10_and_100(app, login_as, fired):
    from app.domain.work_orders import create_work_order
    from app.extensions import db
    from models.base import utcnow
    from models.enums import WorkOrderType
    from models.escalation import EscalationEvent
    from models.service_requests import ServiceRequest
    from models.users import UserAccount
    from tests.integration.test_query_budget import statements_for

    with app.app_context():
        first = db.session.get(EscalationEvent, fired["events"][0])
        engineer = db.session.scalars(select(UserAccount).where(UserAccount.username == "engineer1")).one()
        dispatcher = db.session.scalars(select(UserAccount).where(UserAccount.username == "dispatcher")).one()
        work_order = create_work_order(db.session, db.session.get(ServiceRequest, first.request_id),
                                       work_type=WorkOrderType.ON_SITE, actor=dispatcher, now=utcnow(),
                                       assignee_user=engineer)  # fmt: skip
        work_order_number = work_order.number
        for repeat in range(2, 14):
            db.session.add(
                EscalationEvent(
                    rule_id=first.rule_id,
                    subject_key=first.subject_key,
                    request_id=first.request_id,
                    work_order_id=work_order.id if repeat % 2 else None,
                    customer_id=first.customer_id,
                    target=first.target,
                    level=1,
                    repeat=repeat,
                    late=False,
                    due_at=utcnow(),
                    fired_at=utcnow(),
                    acknowledged_by_id=None,
                    actions={},
                )  # fmt: skip
            )
        db.session.commit()
    client = login_as("dispatcher")
    small = statements_for(app, client, "/escalations/list/?psize_EscalationEventView=10")
    large = statements_for(app, client, "/escalations/list/?psize_EscalationEventView=100")
    assert len(small) == len(large), "\n".join(large)
    assert f">{work_order_number}</a>" in client.get("/escalations/list/").text  # linked to its page
