"""The service request REST API: scoped reads, creation through the domain, version-checked edits, actions."""

from __future__ import annotations

from sqlalchemy import func, select

from models.enums import RequestAction, RequestStatus
from tests.helpers import csrf_token
from tests.integration.test_request_screens import RESOLVED, make, status_of

API = "/api/v1/servicerequest"


def send(client, method, url, payload):
    return getattr(client, method)(url, json=payload, headers={"X-CSRFToken": csrf_token(client)})


def customer_id(app, code):
    from app.extensions import db
    from models.organisations import Customer

    with app.app_context():
        return db.session.scalars(select(Customer.id).where(Customer.code == code)).one()


def request_count(app):
    from app.extensions import db
    from models.service_requests import ServiceRequest

    with app.app_context():
        return db.session.scalar(select(func.count(ServiceRequest.id)))


def test_the_api_is_in_the_openapi_spec(login_as):
    spec = login_as("admin").get("/api/v1/_openapi").get_json()
    paths = spec["paths"]
    assert f"{API}/" in paths
    assert f"{API}/{{pk}}/action" in paths and f"{API}/{{pk}}/notes" in paths and f"{API}/{{pk}}/assign" in paths


def test_post_opens_a_request_through_the_domain(app, login_as):
    client = login_as("dispatcher")
    resp = send(client, "post", f"{API}/", {"customer_id": customer_id(app, "C-HZXH"), "subject": "网络中断",
                                            "impact": 2, "urgency": 2, "channel": "phone"})  # fmt: skip
    assert resp.status_code == 201, resp.get_json()
    number = resp.get_json()["result"]["number"]
    got = client.get(f"{API}/{resp.get_json()['id']}").get_json()["result"]
    assert got["number"] == number and got["status"] == "new" and got["customer"]["code"] == "C-HZXH"


def test_post_with_an_asset_of_another_customer_is_400_translated_and_nothing_saved(app, login_as):
    from app.extensions import db
    from models.assets import Asset

    with app.app_context():
        asset = db.session.scalars(select(Asset.id).where(Asset.customer_id == customer_id(app, "C-SEL"))).first()
    before = request_count(app)
    client = login_as("dispatcher")
    payload = {"customer_id": customer_id(app, "C-HZXH"), "subject": "x", "asset_id": asset}
    resp = send(client, "post", f"{API}/?_l_=en", payload)
    assert resp.status_code == 400 and "belongs to another customer" in resp.get_json()["message"]
    resp = send(client, "post", f"{API}/?_l_=zh", payload)
    assert resp.status_code == 400 and "属于其他客户" in resp.get_json()["message"]
    assert request_count(app) == before


def test_post_with_an_unknown_customer_or_bad_number_is_400(app, login_as):
    client = login_as("dispatcher")
    resp = send(client, "post", f"{API}/?_l_=en", {"customer_id": 999999, "subject": "x"})
    assert resp.status_code == 400 and "no customer" in resp.get_json()["message"]
    resp = send(client, "post", f"{API}/?_l_=en", {"customer_id": "abc", "subject": "x"})
    assert resp.status_code == 400


def test_a_customer_lists_and_reads_only_its_own_requests(app, login_as):
    mine_pk, mine = make(app, code="C-HZXH")
    other_pk, other = make(app, code="C-SEL")
    client = login_as("customer1")
    numbers = [row["number"] for row in client.get(f"{API}/?q=(page_size:100)").get_json()["result"]]
    assert mine in numbers and other not in numbers
    assert client.get(f"{API}/{mine_pk}").status_code == 200
    assert client.get(f"{API}/{other_pk}").status_code == 404
    assert send(client, "post", f"{API}/{other_pk}/notes", {"kind": "reply", "body": "x"}).status_code == 404
    assert send(client, "post", f"{API}/{other_pk}/action", {"action": "cancel", "reason": "x"}).status_code == 404


def test_put_needs_the_version_read_and_refuses_a_stale_one(app, login_as):
    pk, _number = make(app)
    client = login_as("dispatcher")
    version = client.get(f"{API}/{pk}").get_json()["result"]["version"]
    ok = send(client, "put", f"{API}/{pk}", {"version": version, "subject": "改过的主题"})
    assert ok.status_code == 200, ok.get_json()
    stale = send(client, "put", f"{API}/{pk}?_l_=en", {"version": version, "subject": "又改"})
    assert stale.status_code == 400 and "changed by" in stale.get_json()["message"]
    assert client.get(f"{API}/{pk}").get_json()["result"]["subject"] == "改过的主题"


def test_a_closed_request_is_immutable_through_the_api(app, login_as):
    pk, _number = make(app, then=(*RESOLVED, RequestAction.CLOSE))
    client = login_as("dispatcher")
    version = client.get(f"{API}/{pk}").get_json()["result"]["version"]
    resp = send(client, "put", f"{API}/{pk}?_l_=en", {"version": version, "subject": "改"})
    assert resp.status_code == 400 and "is closed" in resp.get_json()["message"]
    resp = send(client, "post", f"{API}/{pk}/notes?_l_=en", {"kind": "internal", "body": "x"})
    assert resp.status_code == 400


def test_actions_move_the_request_and_refusals_are_translated(app, login_as):
    pk, _number = make(app, then=("assign",))
    client = login_as("engineer1")
    assert send(client, "post", f"{API}/{pk}/action", {"action": "start"}).status_code == 200
    resp = send(client, "post", f"{API}/{pk}/action?_l_=en", {"action": "resolve"})
    assert resp.status_code == 400 and resp.get_json()["message"] == "Describe the resolution."
    resp = send(client, "post", f"{API}/{pk}/action?_l_=zh", {"action": "cancel", "reason": "x"})
    assert resp.status_code == 400 and "不能" in resp.get_json()["message"]
    resp = send(client, "post", f"{API}/{pk}/action", {"action": "resolve", "resolution": "重装驱动"})
    assert resp.status_code == 200 and resp.get_json()["result"]["status"] == "resolved"
    assert send(client, "post", f"{API}/{pk}/action", {"action": "fly"}).status_code == 400


def test_assign_through_the_api_and_an_engineer_may_not(app, login_as):
    from app.extensions import db
    from models.users import UserAccount

    pk, _number = make(app)
    with app.app_context():
        engineer = db.session.scalars(select(UserAccount.id).where(UserAccount.username == "engineer2")).one()
    refused = send(login_as("engineer1"), "post", f"{API}/{pk}/assign?_l_=en", {"user_id": engineer})
    assert refused.status_code in (400, 403)
    resp = send(login_as("dispatcher"), "post", f"{API}/{pk}/assign", {"user_id": engineer})
    assert resp.status_code == 200 and status_of(app, pk) is RequestStatus.ASSIGNED


def test_customers_read_only_replies_and_cannot_write_internal_notes(app, login_as):
    pk, _number = make(app)
    staff = login_as("dispatcher")
    send(staff, "post", f"{API}/{pk}/notes", {"kind": "internal", "body": "内部备注"})
    send(staff, "post", f"{API}/{pk}/notes", {"kind": "reply", "body": "给客户的回复"})
    client = login_as("customer1")
    bodies = [note["body"] for note in client.get(f"{API}/{pk}/notes").get_json()["result"]]
    assert bodies == ["给客户的回复"]
    resp = send(client, "post", f"{API}/{pk}/notes?_l_=en", {"kind": "internal", "body": "x"})
    assert resp.status_code == 400 and "only reply" in resp.get_json()["message"]
    assert send(client, "post", f"{API}/{pk}/notes", {"kind": "reply", "body": "谢谢"}).status_code == 200


def test_the_api_cannot_delete_requests(app, login_as):
    pk, _number = make(app)
    resp = login_as("admin").delete(f"{API}/{pk}", headers={"X-CSRFToken": csrf_token(login_as("admin"))})
    assert resp.status_code in (404, 405)


def test_escalate_through_the_api_needs_a_reason_and_climbs_a_tier(app, login_as):
    pk, _number = make(app)
    client = login_as("dispatcher")
    refused = send(client, "post", f"{API}/{pk}/escalate?_l_=en", {"reason": ""})
    assert refused.status_code == 400 and "reason" in refused.get_json()["message"]
    done = send(client, "post", f"{API}/{pk}/escalate", {"reason": "一线无法解决"})
    assert done.status_code == 200 and done.get_json()["result"]["status"] == "assigned"
    assert client.get(f"{API}/{pk}").get_json()["result"]["escalation_level"] == 2
    assert send(login_as("customer1"), "post", f"{API}/{pk}/escalate", {"reason": "x"}).status_code in (403, 404)
