"""Row-level security everywhere: every endpoint, as one outside user, aimed at another organisation's rows.

The crawler (tests/integration/rls_crawl.py) walks ``app.url_map`` as vendor1 against vendor2's work
order and as customer1 against customer2's request; every text of those rows carries a sentinel. No
response may show a sentinel, fail with a 5xx, or change the rows; a new endpoint that nobody
classified fails the test, so later features cannot forget scoping.
"""

from __future__ import annotations

import pytest

from tests.integration import rls_crawl


@pytest.fixture
def victims(app):
    from app.attachments import storage_dir

    own = rls_crawl.build_own_records(app)
    victims = rls_crawl.build_victims(app, storage_dir(app.instance_path))
    victims.own = own
    return victims


def test_every_endpoint_is_classified(app):
    assert rls_crawl.unclassified(app) == []


@pytest.mark.parametrize("username", sorted(rls_crawl.ROLES))
def test_outside_users_see_and_change_nothing_of_another_organisation(app, login_as, victims, username):
    role = rls_crawl.ROLES[username]
    client = login_as(role.username)
    before = rls_crawl.snapshot(app, victims)
    findings, counts = rls_crawl.crawl(app, client, victims, role)
    after = rls_crawl.snapshot(app, victims)
    assert [str(finding) for finding in findings] == []
    changed = {key: (before[key], after.get(key)) for key in before if before[key] != after.get(key)}
    assert changed == {}
    assert counts[rls_crawl.READ] > 50 and counts[rls_crawl.WRITE] > 50


def test_the_victim_rows_carry_sentinels_the_owner_can_see(app, login_as, victims):
    """The crawl could not fail if the sentinels never reached a page: vendor2 sees its own."""
    page = login_as("vendor2").get(f"/workorders/show/{victims.work_order_id}")
    assert page.status_code == 200
    assert rls_crawl.leaks(page.get_data(as_text=True), victims.sentinels)


def _work_order_vendor(app, work_order_id: int) -> int | None:
    from app.extensions import db
    from models.work_orders import WorkOrder

    with app.app_context():
        vendor_id = db.session.get(WorkOrder, work_order_id).vendor_id
        db.session.remove()
        return vendor_id


def _vendor_id(app, code: str) -> int:
    from app.extensions import db
    from models.organisations import Vendor

    with app.app_context():
        return db.session.query(Vendor).filter_by(code=code).one().id


def test_a_vendor_cannot_move_its_own_work_order_to_another_vendor(app, login_as, victims):
    from tests.helpers import csrf_token

    own = victims.own["work_order"]
    from models.organisations import Vendor

    mine, other = _vendor_id(app, "V-SHXX"), victims.ids[Vendor]  # vendor2's code now holds a sentinel
    client = login_as("vendor1")
    token = csrf_token(client)
    page = client.post(
        f"/workorders/perform/{own}/reassign", data={"csrf_token": token, "vendor_id": str(other), "reason": "x"}
    )
    api = client.post(
        f"/api/v1/workorder/{own}/action",
        json={"action": "reassign", "vendor_id": other, "reason": "x"},
        headers={"X-CSRFToken": token},
    )
    assert page.status_code in (302, 400, 403, 404) and api.status_code in (400, 403, 404)
    assert _work_order_vendor(app, own) == mine


def test_a_vendor_cannot_attach_a_file_to_another_vendors_work_order(app, login_as, victims):
    """Not even under a request it can see: the file's work order must be its own."""
    import io

    from tests.helpers import csrf_token

    own = victims.own
    client = login_as("vendor1")
    before = rls_crawl.snapshot(app, victims)
    response = client.post(
        "/attachments/upload",
        data={
            "csrf_token": csrf_token(client),
            "request_id": str(own["request"]),
            "work_order_id": str(victims.work_order_id),
            "file": (io.BytesIO(b"crawler\n"), "x.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (302, 400, 403, 404)
    assert rls_crawl.snapshot(app, victims) == before


@pytest.mark.parametrize(("username", "views"), [("vendor1", "WorkOrder"), ("customer1", "ServiceRequest")])
def test_the_crawler_reports_a_leak_when_scoping_is_switched_off(app, login_as, victims, monkeypatch, username, views):
    """Proof the crawl can fail: without the scope filter the other organisation's rows show up."""
    from app.security.scoping import ScopeFilter

    monkeypatch.setattr(ScopeFilter, "apply", lambda self, query, value: query)
    findings, _counts = rls_crawl.crawl(app, login_as(username), victims, rls_crawl.ROLES[username], only=views)
    assert any("sentinels" in finding.problem for finding in findings)


@pytest.mark.parametrize(
    ("username", "path", "key"),
    [("vendor1", "/workorders/list/", "number"), ("customer1", "/requests/list/", "request_number")],
)
def test_the_crawled_lists_show_the_users_own_records(login_as, victims, username, path, key):
    """A list without sentinels is a pass only because it shows the user's own rows, not because it is empty."""
    page = login_as(username).get(path)
    assert page.status_code == 200
    assert victims.own[key] in page.get_data(as_text=True)
    assert not rls_crawl.leaks(page.get_data(as_text=True), victims.sentinels)
