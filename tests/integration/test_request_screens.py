"""The request screens: named lists, the request page and its actions, edits, scoping, bulk actions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.enums import NoteKind, RequestAction, RequestStatus
from tests.helpers import csrf_token
from tests.integration.test_query_budget import statements_for

NAMED = {
    "MyOpenRequestsView": "/requests/mine/list/",
    "GroupQueueView": "/requests/my-group/list/",
    "UnassignedRequestsView": "/requests/unassigned/list/",
    "DueTodayRequestsView": "/requests/due-today/list/",
    "PendingCustomerRequestsView": "/requests/pending-customer/list/",
    "ServiceRequestView": "/requests/list/",
}


def make(app, code="C-HZXH", subject="打印机卡纸", then=(), **draft):
    """Open a request for ``code`` (as the dispatcher) and take ``then`` steps; returns (id, number)."""
    from app.domain.service_requests import RequestDraft, assign, create_request, perform
    from app.extensions import db
    from models.organisations import Customer
    from models.users import UserAccount

    with app.app_context():
        session = db.session
        customer = session.scalars(select(Customer).where(Customer.code == code)).one()
        dispatcher = session.scalars(select(UserAccount).where(UserAccount.username == "dispatcher")).one()
        engineer = session.scalars(select(UserAccount).where(UserAccount.username == "engineer1")).one()
        now = datetime.now(UTC)
        values = {"customer_id": customer.id, "subject": subject, "contact_id": customer.contacts[0].id, **draft}
        item = create_request(session, RequestDraft(**values), actor=dispatcher, now=now)
        for step in then:
            if step == "assign":
                assign(session, item, actor=dispatcher, roles={"Dispatcher"}, now=now, user=engineer)
            else:
                perform(session, item, step, actor=engineer, roles={"Dispatcher"}, now=now, resolution="已处理")
        session.commit()
        return item.id, item.number


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client)}, follow_redirects=True)


def status_of(app, pk):
    from app.extensions import db
    from models.service_requests import ServiceRequest

    with app.app_context():
        return db.session.get(ServiceRequest, pk).status


RESOLVED = ("assign", RequestAction.START, RequestAction.RESOLVE)


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def test_the_named_lists_are_menu_entries_and_show_their_rows(app, login_as):
    _pk, number = make(app, subject="无人处理的请求")
    client = login_as("dispatcher")
    home = client.get("/requests/list/?_l_=en").text
    for label in ("My open requests", "My group", "Unassigned requests", "Due today", "All requests"):
        assert label in home
    assert number in client.get("/requests/unassigned/list/").text
    assert number not in client.get("/requests/mine/list/").text


def test_my_open_requests_lists_what_is_assigned_to_me(app, login_as):
    _pk, number = make(app, then=("assign",))
    assert number in login_as("engineer1").get("/requests/mine/list/").text
    assert number not in login_as("engineer2").get("/requests/mine/list/").text
    assert number not in login_as("dispatcher").get("/requests/unassigned/list/").text


def test_pending_customer_and_group_queue_lists(app, login_as):
    _pk, waiting = make(app, then=("assign", RequestAction.START, RequestAction.WAIT_CUSTOMER))
    assert waiting in login_as("dispatcher").get("/requests/pending-customer/list/").text


def test_the_list_exports_csv_with_bom_and_xlsx(app, login_as):
    _pk, number = make(app)
    client = login_as("dispatcher")
    csv = client.get("/requests/export/csv/")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf") and number.encode() in csv.data
    xlsx = client.get("/requests/unassigned/export/xlsx/")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


@pytest.mark.parametrize(("view", "path"), NAMED.items())
def test_each_list_costs_the_same_statements_at_page_size_10_and_100(app, login_as, view, path):
    for i in range(12):
        make(app, subject=f"批量请求{i}", then=("assign",) if i % 2 else ())
    client = login_as("engineer1")
    small = statements_for(app, client, f"{path}?psize_{view}=10")
    large = statements_for(app, client, f"{path}?psize_{view}=100")
    assert len(small) == len(large), "\n".join(large)


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sorting_by_customer_orders_the_rows_by_customer_code(app, login_as, direction):
    make(app, code="C-HZXH")
    make(app, code="C-SEL")
    page = login_as("dispatcher").get(
        f"/requests/list/?_oc_ServiceRequestView=customer&_od_ServiceRequestView={direction}"
    )
    assert page.status_code == 200
    codes = re.findall(r"<td>\s*(C-[A-Z]+) ", page.text)
    assert len(codes) >= 2 and codes == sorted(codes, reverse=direction == "desc")


# ---------------------------------------------------------------------------------------------
# Scoping
# ---------------------------------------------------------------------------------------------


def test_a_customer_sees_only_its_own_requests_in_list_show_and_export(app, login_as):
    mine_pk, mine = make(app, code="C-HZXH")
    other_pk, other = make(app, code="C-SEL")
    client = login_as("customer1")
    listing = client.get("/requests/list/").text
    assert mine in listing and other not in listing
    assert mine in client.get(f"/requests/show/{mine_pk}").text
    shown = client.get(f"/requests/show/{other_pk}", follow_redirects=True).text
    assert other not in shown
    exported = client.get("/requests/export/csv/").data.decode("utf-8-sig")
    assert mine in exported and other not in exported


def test_a_customer_cannot_act_on_another_customers_request(app, login_as):
    other_pk, _number = make(app, code="C-SEL", then=RESOLVED)
    client = login_as("customer1")
    post(client, f"/requests/act/{other_pk}", {"action": "CLOSE"})
    post(client, f"/requests/note/{other_pk}", {"kind": "REPLY", "body": "偷看"})
    assert status_of(app, other_pk) is RequestStatus.RESOLVED


def test_a_customer_never_sees_internal_notes_and_may_reply_and_confirm(app, login_as):
    from app.domain.service_requests import add_note
    from app.extensions import db
    from models.service_requests import ServiceRequest
    from models.users import UserAccount

    pk, _number = make(app, then=RESOLVED)
    with app.app_context():
        item = db.session.get(ServiceRequest, pk)
        staff = db.session.scalars(select(UserAccount).where(UserAccount.username == "dispatcher")).one()
        now = datetime.now(UTC)
        add_note(db.session, item, kind=NoteKind.INTERNAL, body="内部：客户难缠", actor=staff, now=now)
        add_note(db.session, item, kind=NoteKind.REPLY, body="已为您更换硒鼓", actor=staff, now=now)
        db.session.commit()
    client = login_as("customer1")
    page = client.get(f"/requests/show/{pk}").text
    assert "已为您更换硒鼓" in page and "内部：客户难缠" not in page
    assert "sd-timeline" not in page and "/requests/edit/" not in page
    post(client, f"/requests/note/{pk}", {"kind": "INTERNAL", "body": "我是客户"})
    with app.app_context():
        bodies = [(n.kind, n.body) for n in db.session.get(ServiceRequest, pk).notes]
    assert (NoteKind.INTERNAL, "我是客户") not in bodies
    post(client, f"/requests/act/{pk}", {"action": "CLOSE"})
    assert status_of(app, pk) is RequestStatus.CLOSED


def test_a_customer_cannot_edit_fields(app, login_as):
    pk, _number = make(app)
    client = login_as("customer1")
    assert client.get(f"/requests/edit/{pk}").status_code in (302, 403)


def test_a_vendor_has_no_request_screens(app, login_as):
    pk, _number = make(app)
    client = login_as("vendor1")
    assert client.get("/requests/list/").status_code in (302, 403)
    assert client.get(f"/requests/show/{pk}").status_code in (302, 403)


# ---------------------------------------------------------------------------------------------
# The request page and its actions
# ---------------------------------------------------------------------------------------------


def test_the_page_offers_exactly_the_allowed_actions(app, login_as):
    pk, _number = make(app, then=("assign",))
    page = login_as("engineer1").get(f"/requests/show/{pk}?_l_=en").text
    assert "sd-action-start" in page
    assert "sd-action-resolve" not in page and "sd-action-close" not in page
    page = login_as("dispatcher").get(f"/requests/show/{pk}?_l_=en").text
    assert "sd-action-cancel" in page and "sd-assign" in page and "sd-timeline" in page


def test_resolving_without_text_is_refused_in_zh_and_en(app, login_as):
    pk, _number = make(app, then=("assign", RequestAction.START))
    client = login_as("engineer1")
    page = post(client, f"/requests/act/{pk}?_l_=en", {"action": "RESOLVE", "resolution": " "}).text
    assert "Describe the resolution." in page
    page = post(client, f"/requests/act/{pk}?_l_=zh", {"action": "RESOLVE", "resolution": ""}).text
    assert "请填写解决方案" in page
    assert status_of(app, pk) is RequestStatus.IN_PROGRESS


def test_an_invalid_transition_is_refused_with_a_translated_message(app, login_as):
    pk, _number = make(app)
    page = post(login_as("engineer1"), f"/requests/act/{pk}?_l_=en", {"action": "RESOLVE", "resolution": "x"}).text
    assert "cannot be moved by" in page
    assert status_of(app, pk) is RequestStatus.NEW


def test_the_dispatcher_assigns_escalates_and_merges_from_the_page(app, login_as):
    from app.extensions import db
    from models.service_requests import ServiceRequest
    from models.users import UserAccount

    pk, _number = make(app)
    into_pk, into_number = make(app)
    client = login_as("dispatcher")
    with app.app_context():
        engineer = db.session.scalars(select(UserAccount).where(UserAccount.username == "engineer2")).one().id
    post(client, f"/requests/assign/{pk}", {"user_id": engineer})
    assert status_of(app, pk) is RequestStatus.ASSIGNED
    post(client, f"/requests/escalate/{pk}", {"reason": "需要二线"})
    with app.app_context():
        assert db.session.get(ServiceRequest, pk).escalation_level == 2
    page = post(client, f"/requests/merge/{pk}?_l_=en", {"into": into_number}).text
    assert "is merged into" in page
    with app.app_context():
        item = db.session.get(ServiceRequest, pk)
        assert item.status is RequestStatus.CLOSED and item.merged_into_id == into_pk
    timeline = client.get(f"/requests/show/{into_pk}").text
    assert "sd-timeline-note" in timeline


def test_the_timeline_shows_who_changed_what(app, login_as):
    pk, _number = make(app, then=("assign",))
    page = login_as("dispatcher").get(f"/requests/show/{pk}?_l_=en").text
    timeline = page[page.index('class="panel panel-default sd-timeline"') :]
    assert "李晓梅" in timeline and "sd-timeline-change" in timeline
    assert "张伟" in timeline and "Assigned" in timeline  # the new assignee by name, the status by its label
    assert "Version" not in timeline
    with app.app_context():
        from app.extensions import db
        from models.service_requests import ServiceRequest

        item = db.session.get(ServiceRequest, pk)
        item.contact = next(other for other in item.customer.contacts if other.id != item.contact_id)
        contact = item.contact.name
        db.session.commit()
    page = login_as("dispatcher").get(f"/requests/show/{pk}?_l_=en").text
    assert contact in page[page.index('class="panel panel-default sd-timeline"') :]  # by name, not by id


# ---------------------------------------------------------------------------------------------
# Edits
# ---------------------------------------------------------------------------------------------


def edit_form(client, pk):
    """The edit page and the form fields as the page fills them (version and current priority included)."""
    import re

    page = client.get(f"/requests/edit/{pk}").text
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', page) or re.search(
        r'value="(\d+)"[^>]*name="expected_version"', page
    )
    priority = re.search(r'<option selected value="(P\d)"', page) or re.search(r'value="(P\d)" selected', page)
    return page, {"expected_version": version.group(1), "priority": priority.group(1)}


def edit_data(filled, **changes):
    return {"subject": "新主题", "request_type": "INCIDENT", "channel": "PHONE", "impact": "3", "urgency": "2",
            **filled, **changes}  # fmt: skip


def test_an_edit_saves_and_follows_the_matrix(app, login_as):
    from app.domain.service_requests import matrix_priority
    from app.extensions import db
    from models.service_requests import ServiceRequest

    pk, _number = make(app)
    client = login_as("dispatcher")
    _page, version = edit_form(client, pk)
    post(client, f"/requests/edit/{pk}", edit_data(version, impact="1", urgency="1"))
    with app.app_context():
        item = db.session.get(ServiceRequest, pk)
        assert item.subject == "新主题"
        assert item.priority is matrix_priority(db.session, 1, 1) and item.priority_override_reason is None


def test_a_stale_edit_is_refused_naming_who_changed_it_and_nothing_is_saved(app, login_as):
    from app.domain.service_requests import assign
    from app.extensions import db
    from models.service_requests import ServiceRequest
    from models.users import UserAccount

    pk, _number = make(app)
    client = login_as("engineer1")
    _page, version = edit_form(client, pk)
    with app.app_context():  # meanwhile the dispatcher assigns it
        item = db.session.get(ServiceRequest, pk)
        user = db.session.scalars(select(UserAccount).where(UserAccount.username == "dispatcher")).one()
        db.session.info["actor_id"] = user.id
        assign(db.session, item, actor=user, roles={"Dispatcher"}, now=datetime.now(UTC), user=user)
        db.session.commit()
    page = post(client, f"/requests/edit/{pk}?_l_=en", edit_data(version)).text
    assert "changed by 李晓梅 at" in page and "Reload" in page
    with app.app_context():
        assert db.session.get(ServiceRequest, pk).subject == "打印机卡纸"


def test_a_closed_request_cannot_be_edited(app, login_as):
    from app.extensions import db
    from models.service_requests import ServiceRequest

    pk, _number = make(app, then=(*RESOLVED, RequestAction.CLOSE))
    client = login_as("dispatcher")
    page = client.get(f"/requests/edit/{pk}?_l_=en", follow_redirects=True).text
    assert "is closed and cannot be changed" in page
    with app.app_context():
        version = db.session.get(ServiceRequest, pk).version
    post(client, f"/requests/edit/{pk}", edit_data({"expected_version": str(version), "priority": "P3"}))
    with app.app_context():
        assert db.session.get(ServiceRequest, pk).subject == "打印机卡纸"


# ---------------------------------------------------------------------------------------------
# Bulk actions
# ---------------------------------------------------------------------------------------------


def test_bulk_close_closes_resolved_rows_and_reports_refusals(app, login_as):
    resolved_pk, _resolved = make(app, then=RESOLVED)
    new_pk, new_number = make(app)
    client = login_as("dispatcher")
    page = post(client, "/requests/action_post?_l_=en", {"action": "bulk_close", "rowid": [resolved_pk, new_pk]}).text
    assert status_of(app, resolved_pk) is RequestStatus.CLOSED
    assert status_of(app, new_pk) is RequestStatus.NEW
    assert f"{new_number}:" in page and "Refused" in page


def test_bulk_assign_assigns_each_row(app, login_as):
    from app.extensions import db
    from models.users import UserAccount

    first, _n1 = make(app)
    second, _n2 = make(app)
    client = login_as("dispatcher")
    form = client.post(
        "/requests/action_post",
        data={"action": "bulk_assign", "rowid": [first, second], "csrf_token": csrf_token(client)},
    )
    assert form.status_code == 302 and "bulk-assign" in form.headers["Location"]
    with app.app_context():
        engineer = db.session.scalars(select(UserAccount).where(UserAccount.username == "engineer3")).one().id
    post(client, "/requests/bulk-assign", {"ids": f"{first},{second}", "user_id": engineer})
    assert status_of(app, first) is status_of(app, second) is RequestStatus.ASSIGNED


def test_bulk_actions_refuse_rows_outside_the_scope(app, login_as):
    pk, _number = make(app, code="C-SEL", then=RESOLVED)
    client = login_as("customer1")
    post(client, "/requests/action_post", {"action": "bulk_close", "rowid": [pk]})
    assert status_of(app, pk) is RequestStatus.RESOLVED


def test_due_today_lists_requests_due_by_the_end_of_the_day(app, login_as):
    from app.extensions import db
    from models.service_requests import ServiceRequest

    pk, number = make(app, then=("assign",))
    with app.app_context():
        db.session.get(ServiceRequest, pk).resolution_due_at = datetime.now(UTC) + timedelta(minutes=5)
        db.session.commit()
    assert number in login_as("dispatcher").get("/requests/due-today/list/").text


def test_a_save_racing_another_one_is_refused_as_stale_not_as_a_database_error(app, login_as, monkeypatch):
    """Between the form's version check and the UPDATE another save lands: SQLAlchemy's StaleDataError."""
    from sqlalchemy import update

    import views.service_requests as screens
    from app.extensions import db
    from models.service_requests import ServiceRequest

    pk, _number = make(app)
    client = login_as("dispatcher")
    _page, filled = edit_form(client, pk)
    checked = screens.revise_request

    def racing(session, item, *, now):
        checked(session, item, now=now)
        table = ServiceRequest.__table__  # on the connection: no autoflush, the session keeps its version
        session.connection().execute(update(table).where(table.c.id == item.id).values(version=table.c.version + 1))

    monkeypatch.setattr(screens, "revise_request", racing)
    page = post(client, f"/requests/edit/{pk}?_l_=en", edit_data(filled)).text
    assert "after you opened it" in page
    with app.app_context():
        assert db.session.get(ServiceRequest, pk).subject == "打印机卡纸"


def test_the_timeline_includes_the_work_orders_changes(app, login_as):
    from app.domain.work_orders import create_work_order
    from app.extensions import db
    from models.enums import WorkOrderType
    from models.service_requests import ServiceRequest
    from models.users import UserAccount

    pk, _number = make(app, then=("assign",))
    with app.app_context():
        item = db.session.get(ServiceRequest, pk)
        engineer = db.session.scalars(select(UserAccount).where(UserAccount.username == "engineer1")).one()
        dispatcher = db.session.scalars(select(UserAccount).where(UserAccount.username == "dispatcher")).one()
        order = create_work_order(
            db.session,
            item,
            work_type=WorkOrderType.ON_SITE,
            actor=dispatcher,
            now=datetime.now(UTC),
            assignee_user=engineer,
        )
        db.session.commit()
        number = order.number
    page = login_as("dispatcher").get(f"/requests/show/{pk}").text
    timeline = page[page.index("sd-timeline") :]
    assert number in timeline


def test_the_request_pages_in_chinese_show_no_translatable_english(app, login_as):
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from tests.integration.test_i18n import FAB_ZH_MO, ZH_PO, english_leftovers, stored_names, zh_translations

    pk, _number = make(app, then=("assign", RequestAction.START))
    with FAB_ZH_MO.open("rb") as fab, ZH_PO.open("rb") as ours:
        catalog = {**zh_translations(read_mo(fab)), **zh_translations(read_po(ours))}
    data = stored_names(app)
    pages = [*NAMED.values(), f"/requests/show/{pk}", f"/requests/edit/{pk}"]
    leftovers = [line for page in pages for line in english_leftovers(login_as("dispatcher"), page, catalog, data)]
    leftovers += english_leftovers(login_as("customer1"), f"/requests/show/{pk}", catalog, data)
    assert not leftovers, "\n".join(leftovers)


def test_the_resolve_form_offers_the_categorys_standard_solution(app, login_as):
    from app.extensions import db
    from models.service_catalog import ServiceCategory

    with app.app_context():
        category = db.session.scalars(
            select(ServiceCategory).where(ServiceCategory.standard_solution.is_not(None), ServiceCategory.active)
        ).first()
        category_id, solution = category.id, category.standard_solution
    pk, _number = make(app, category_id=category_id, then=("assign", RequestAction.START))
    page = login_as("engineer1").get(f"/requests/show/{pk}").text
    assert "sd-action-resolve" in page and "sd-insert-solution" in page
    assert solution.splitlines()[0][:20] in page


def test_the_staff_queues_are_not_in_a_customers_menu(login_as):
    """Customers follow their own requests on the scoped list; the queues are the desk's."""
    assert login_as("customer1").get("/requests/mine/list/").status_code in (302, 403)
    home = login_as("customer1").get("/requests/list/")
    assert home.status_code == 200 and "/requests/unassigned/list/" not in home.text
    assert "/requests/unassigned/list/" in login_as("dispatcher").get("/requests/list/").text
