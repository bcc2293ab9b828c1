"""Import screens through the test client: upload → preview → commit, Admin only, CSRF-checked."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from tests.helpers import csrf_token, form_csrf_token


def customers_named(app, prefix: str) -> dict[str, str]:
    from app.extensions import db
    from models.organisations import Customer

    with app.app_context():
        rows = db.session.execute(select(Customer.code, Customer.name).where(Customer.code.startswith(prefix)))
        return dict(rows.all())


def upload(client, data: bytes, filename: str, kind: str = "customers", **fields):
    token = form_csrf_token(client.get("/imports/").text)
    form = {"kind": kind, "file": (io.BytesIO(data), filename), "csrf_token": token, **fields}
    return client.post("/imports/upload?_l_=en", data=form, content_type="multipart/form-data")


def preview_of(client, response):
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert "/imports/preview/" in location
    return location, client.get(f"{location}?_l_=en")


def commit(client, location: str, page_html: str):
    token = form_csrf_token(page_html)
    return client.post(location.replace("/preview/", "/commit/") + "?_l_=en", data={"csrf_token": token})


VALID = "编码,名称,服务等级\nC-IMP1,导入客户一,VIP\nC-IMP2,导入客户二,Gold\n".encode()


def test_admin_sees_every_importable_catalog_with_its_templates(login_as):
    client = login_as("admin")
    page = client.get("/imports/?_l_=en")
    assert page.status_code == 200
    for kind in ("customers", "contacts", "sites", "assets", "spare_parts", "holidays"):
        assert f'id="kind-{kind}"' in page.text
        assert f"/imports/template/{kind}/zh.csv" in page.text


def test_template_has_a_bom_and_headers_in_the_chosen_language(login_as):
    client = login_as("admin")
    zh = client.get("/imports/template/customers/zh.csv")
    en = client.get("/imports/template/customers/en.csv")
    assert zh.status_code == en.status_code == 200
    assert zh.data.startswith("\ufeff编码,名称,".encode())
    assert en.data.decode("utf-8-sig").splitlines()[0].startswith("code,name,")
    assert client.get("/imports/template/customers/fr.csv").status_code == 404


def test_upload_with_errors_shows_them_and_changes_nothing(app, login_as):
    client = login_as("admin")
    bad = "编码,名称,启用\nC-IMP1,导入客户一,也许\nC-IMP1,重复,是\n".encode()
    location, page = preview_of(client, upload(client, bad, "customers.csv"))
    assert page.status_code == 200
    assert "<td>2</td><td>启用</td><td>也许 is not yes or no.</td>" in page.text
    assert "<td>3</td><td>编码</td><td>Row 2 has the same key; each record may appear only once.</td>" in page.text
    assert 'action="/imports/commit/' not in page.text
    refused = commit(client, location, client.get("/imports/").text)
    assert refused.status_code == 200 and "Nothing was imported" in refused.text
    assert customers_named(app, "C-IMP") == {}


def test_valid_upload_is_previewed_then_committed_and_a_second_upload_changes_nothing(app, login_as):
    client = login_as("admin")
    location, page = preview_of(client, upload(client, VALID, "客户.csv"))
    assert '<strong data-count="create">2</strong>' in page.text
    assert customers_named(app, "C-IMP") == {}, "a preview must not save"
    done = commit(client, location, page.text)
    assert done.status_code == 302
    assert customers_named(app, "C-IMP") == {"C-IMP1": "导入客户一", "C-IMP2": "导入客户二"}
    assert "Customers imported: 2 new, 0 updated, 0 unchanged." in client.get("/imports/?_l_=en").text
    assert client.get(location).status_code == 404, "a committed upload is discarded"

    _location, again = preview_of(client, upload(client, VALID, "客户.csv"))
    assert '<strong data-count="unchanged">2</strong>' in again.text
    assert "Nothing to import: every row matches what is saved." in again.text

    renamed = VALID.decode().replace("导入客户二", "导入客户贰").encode()
    _location, update = preview_of(client, upload(client, renamed, "客户.csv"))
    assert '<strong data-count="update">1</strong>' in update.text
    assert '<strong data-count="unchanged">1</strong>' in update.text


def test_commit_reads_the_stored_file_again_and_refuses_what_became_invalid(app, login_as):
    from app.extensions import db
    from models.organisations import Customer

    client = login_as("admin")
    contacts = b"customer code,name,e-mail\nC-HZXH,Import Test,import-test@example.cn\n"
    location, page = preview_of(client, upload(client, contacts, "contacts.csv", kind="contacts"))
    assert '<strong data-count="create">1</strong>' in page.text
    with app.app_context():
        db.session.execute(Customer.__table__.update().where(Customer.code == "C-HZXH").values(active=False))
        db.session.commit()
    refused = commit(client, location, page.text)
    assert "Customer C-HZXH is inactive." in refused.text
    from models.organisations import Contact

    with app.app_context():
        stmt = select(func.count()).select_from(Contact).where(Contact.email == "import-test@example.cn")
        assert db.session.execute(stmt).scalar_one() == 0


def test_file_level_problems_are_shown_without_a_commit_button(login_as):
    client = login_as("admin")
    _location, page = preview_of(client, upload(client, b"code,colour\nC-IMP1,red\n", "customers.csv"))
    assert "Unknown column colour" in page.text
    assert "The required column name / 名称 is missing." in page.text
    assert 'action="/imports/commit/' not in page.text


def test_wrong_file_type_is_refused_before_storing(login_as):
    client = login_as("admin")
    response = upload(client, b"x", "customers.ics")
    assert response.status_code == 302 and response.headers["Location"].endswith("/imports/")
    assert "Customers are imported from .csv, .xlsx files." in client.get("/imports/?_l_=en").text


def test_ics_holidays_need_a_calendar_and_then_import(app, login_as):
    from app.extensions import db
    from models.calendars import Calendar, CalendarDay

    with app.app_context():
        calendar = Calendar(name="导入测试日历", weekly_hours={})
        db.session.add(calendar)
        db.session.commit()
        calendar_id = calendar.id
    ics = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20300101\nDTEND;VALUE=DATE:20300103\n"
        "SUMMARY:元旦\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20300105\nSUMMARY:元旦 补班\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    ).encode()
    client = login_as("admin")
    refused = upload(client, ics, "holidays.ics", kind="holidays")
    assert refused.headers["Location"].endswith("/imports/")
    location, page = preview_of(
        client, upload(client, ics, "holidays.ics", kind="holidays", calendar=str(calendar_id), makeup_weekday="5")
    )
    assert '<strong data-count="create">3</strong>' in page.text
    assert commit(client, location, page.text).status_code == 302
    with app.app_context():
        days = db.session.scalars(select(CalendarDay).where(CalendarDay.calendar_id == calendar_id)).all()
        assert sorted((day.day.isoformat(), day.kind.name, day.borrowed_weekday) for day in days) == [
            ("2030-01-01", "HOLIDAY", None),
            ("2030-01-02", "HOLIDAY", None),
            ("2030-01-05", "MAKEUP_WORKDAY", 5),
        ]


def test_upload_and_commit_need_the_csrf_token(app, login_as):
    client = login_as("admin")
    no_token = client.post(
        "/imports/upload?_l_=en",
        data={"kind": "customers", "file": (io.BytesIO(VALID), "c.csv")},
        content_type="multipart/form-data",
    )
    assert no_token.status_code == 400 and "This form has expired" in no_token.text
    location, _page = preview_of(client, upload(client, VALID, "c.csv"))
    assert client.post(location.replace("/preview/", "/commit/")).status_code == 400
    assert customers_named(app, "C-IMP") == {}


def test_another_admins_or_a_made_up_token_is_not_found(app, login_as):
    client = login_as("admin")
    location, _page = preview_of(client, upload(client, VALID, "c.csv"))
    assert client.get("/imports/preview/..%2F..%2Fsecret").status_code == 404
    assert client.get("/imports/preview/" + "x" * 32).status_code == 404

    from app.extensions import db
    from models.users import UserAccount

    with app.app_context():
        admin_role = app.appbuilder.sm.find_role("Admin")
        other = UserAccount(username="admin2", first_name="二", last_name="管", email="admin2@import-test.cn")
        other.roles = [admin_role]
        other.active = True
        db.session.add(other)
        db.session.commit()
    assert login_as("admin2").get(location).status_code == 404


def test_a_dispatcher_may_not_open_or_post_imports(app, login_as):
    client = login_as("dispatcher")
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/template/customers/zh.csv").status_code == 403
    form = {"kind": "customers", "file": (io.BytesIO(VALID), "c.csv"), "csrf_token": csrf_token(client)}
    assert client.post("/imports/upload", data=form, content_type="multipart/form-data").status_code == 403
    assert customers_named(app, "C-IMP") == {}
