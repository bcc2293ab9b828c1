"""Import screens through the test client: upload → preview → commit, Admin only, CSRF-checked."""

from __future__ import annotations

import html
import io
import re

import pytest
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


# ---------------------------------------------------------------------------------------------
# Assets: the rules of the asset screen (app/domain/assets.py), checked on the file as a whole
# ---------------------------------------------------------------------------------------------

ASSET_HEADER = "serial number,asset model,customer code,parent serial number\n"
MODEL = "导入品牌 IMP-1"


@pytest.fixture
def saved_assets(app):
    """``saved_assets({"IMP-S": ("C-HZXH", None), "IMP-M": ("C-HZXH", "IMP-S")})``: saved assets of an
    import-test model, each (customer code, parent serial)."""
    from app.extensions import db
    from models.assets import Asset, AssetModel
    from models.organisations import Customer

    with app.app_context():
        db.session.add(AssetModel(brand="导入品牌", model="IMP-1"))
        db.session.commit()

    def save(rows: dict[str, tuple[str, str | None]]) -> None:
        with app.app_context():
            model = db.session.scalars(select(AssetModel).where(AssetModel.model == "IMP-1")).one()
            made = {}
            for serial, (code, _parent) in rows.items():
                owner = db.session.scalars(select(Customer).where(Customer.code == code)).one()
                made[serial] = Asset(serial_number=serial, asset_model=model, customer=owner)
                db.session.add(made[serial])
            for serial, (_code, parent) in rows.items():
                if parent is not None:
                    made[serial].parent = made[parent]
            db.session.commit()

    return save


def assets_of(app) -> dict[str, tuple[str, str | None]]:
    """Import-test assets as saved: serial → (customer code, parent serial)."""
    from app.extensions import db
    from models.assets import Asset

    with app.app_context():
        rows = db.session.scalars(select(Asset).where(Asset.serial_number.startswith("IMP-")))
        return {
            asset.serial_number: (asset.customer.code, asset.parent.serial_number if asset.parent else None)
            for asset in rows
        }


def asset_file(*rows: str) -> bytes:
    return (ASSET_HEADER + "".join(f"{row}\n" for row in rows)).encode()


def error_rows(page_html: str) -> list[tuple[str, str, str]]:
    """The preview's error table as (row, column, reason), unescaped."""
    table = page_html.split('class="table table-condensed table-bordered import-errors"')[1].split("</table>")[0]
    found = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table)
    return [(row, html.unescape(column), html.unescape(reason)) for row, column, reason in found]


def refused_and_nothing_written(app, client, location: str, page_html: str) -> None:
    before = assets_of(app)
    assert 'action="/imports/commit/' not in page_html
    refused = commit(client, location, client.get("/imports/").text)
    assert refused.status_code == 200 and "Nothing was imported" in refused.text
    assert assets_of(app) == before


@pytest.mark.parametrize("saved", [{"IMP-SRV": ("C-SZLH", None)}, {}], ids=["saved parent", "parent in the file"])
def test_an_asset_row_with_a_parent_of_another_customer_is_refused(app, login_as, saved_assets, saved):
    saved_assets(saved)
    rows = [f"IMP-DISK,{MODEL},C-HZXH,IMP-SRV"]
    if not saved:
        rows.insert(0, f"IMP-SRV,{MODEL},C-SZLH,")
    client = login_as("admin")
    location, page = preview_of(client, upload(client, asset_file(*rows), "assets.csv", kind="assets"))
    reason = "The parent asset IMP-SRV belongs to C-SZLH 深圳蓝海物流有限公司; choose an asset of the same customer."
    assert error_rows(page.text) == [(str(len(rows) + 1), "parent serial number", reason)]
    refused_and_nothing_written(app, client, location, page.text)
    assert "IMP-DISK" not in assets_of(app)


def test_the_row_error_is_shown_in_the_users_language(app, login_as, saved_assets):
    from flask_babel import force_locale, gettext

    saved_assets({"IMP-SRV": ("C-SZLH", None)})
    client = login_as("admin")
    response = upload(client, asset_file(f"IMP-DISK,{MODEL},C-HZXH,IMP-SRV"), "assets.csv", kind="assets")
    page = client.get(response.headers["Location"] + "?_l_=zh")
    msgid = "The parent asset %(parent)s belongs to %(owner)s; choose an asset of the same customer."
    with app.test_request_context(), force_locale("zh"):
        expected = gettext(msgid, parent="IMP-SRV", owner="C-SZLH 深圳蓝海物流有限公司")
    assert expected != msgid % {"parent": "IMP-SRV", "owner": "C-SZLH 深圳蓝海物流有限公司"}
    assert [reason for _row, _column, reason in error_rows(page.text)] == [expected]


LOOPS = {
    # name: (saved assets, file rows as serial → parent serial)
    "a new pair": ({}, {"IMP-A": "IMP-B", "IMP-B": "IMP-A"}),
    "a saved pair": ({"IMP-A": ("C-HZXH", None), "IMP-B": ("C-HZXH", None)}, {"IMP-A": "IMP-B", "IMP-B": "IMP-A"}),
    "saved and new": ({"IMP-A": ("C-HZXH", None)}, {"IMP-A": "IMP-N", "IMP-N": "IMP-A"}),
    "three rows": ({}, {"IMP-X": "IMP-Y", "IMP-Y": "IMP-Z", "IMP-Z": "IMP-X"}),
}


@pytest.mark.parametrize("name", list(LOOPS))
def test_parents_forming_a_loop_across_rows_are_row_errors_not_a_failed_commit(app, login_as, saved_assets, name):
    saved, parents = LOOPS[name]
    saved_assets(saved)
    client = login_as("admin")
    rows = [f"{serial},{MODEL},C-HZXH,{parent}" for serial, parent in parents.items()]
    location, page = preview_of(client, upload(client, asset_file(*rows), "assets.csv", kind="assets"))
    errors = error_rows(page.text)
    assert [row[:2] for row in errors] == [(str(number), "parent serial number") for number in range(2, len(rows) + 2)]
    assert all(text.endswith("so it cannot also be its parent asset.") for _, _, text in errors), errors
    refused_and_nothing_written(app, client, location, page.text)
    assert assets_of(app) == {serial: (code, parent) for serial, (code, parent) in saved.items()}


@pytest.mark.parametrize("owner", ["C-HZXH", "C-SZLH"], ids=["same customer", "serial registered to another"])
def test_moving_a_server_by_import_may_not_strand_its_modules(app, login_as, saved_assets, owner):
    saved_assets({"IMP-SRV": (owner, None), "IMP-PSU": (owner, "IMP-SRV"), "IMP-FAN": (owner, "IMP-SRV")})
    target = "C-SEL" if owner == "C-SZLH" else "C-SZLH"
    client = login_as("admin")
    location, page = preview_of(
        client, upload(client, asset_file(f"IMP-SRV,{MODEL},{target},"), "assets.csv", kind="assets")
    )
    reason = (
        "2 assets mounted in IMP-SRV belong to another customer; "
        "move or detach them before changing this asset's customer."
    )
    assert error_rows(page.text) == [("2", "customer code", reason)]
    refused_and_nothing_written(app, client, location, page.text)
    assert assets_of(app)["IMP-SRV"] == (owner, None)


def test_a_serial_registered_to_another_customer_is_still_an_update_that_moves_it(app, login_as, saved_assets):
    saved_assets({"IMP-SW": ("C-SZLH", None)})
    client = login_as("admin")
    location, page = preview_of(
        client, upload(client, asset_file(f"IMP-SW,{MODEL},C-HZXH,"), "assets.csv", kind="assets")
    )
    assert '<strong data-count="update">1</strong>' in page.text
    assert commit(client, location, page.text).status_code == 302
    assert assets_of(app) == {"IMP-SW": ("C-HZXH", None)}


def test_a_server_moved_with_its_modules_and_a_parent_created_after_its_child_import(app, login_as, saved_assets):
    saved_assets({"IMP-SRV": ("C-HZXH", None), "IMP-PSU": ("C-HZXH", "IMP-SRV")})
    rows = (
        f"IMP-DISK,{MODEL},C-HZXH,IMP-NEW",  # its parent comes later in the file
        f"IMP-NEW,{MODEL},C-HZXH,",
        f"IMP-SRV,{MODEL},C-SZLH,",  # moved together with its module
        f"IMP-PSU,{MODEL},C-SZLH,IMP-SRV",
    )
    client = login_as("admin")
    location, page = preview_of(client, upload(client, asset_file(*rows), "assets.csv", kind="assets"))
    assert '<strong data-count="create">2</strong>' in page.text
    assert '<strong data-count="update">2</strong>' in page.text
    assert commit(client, location, page.text).status_code == 302
    assert assets_of(app) == {
        "IMP-DISK": ("C-HZXH", "IMP-NEW"),
        "IMP-NEW": ("C-HZXH", None),
        "IMP-SRV": ("C-SZLH", None),
        "IMP-PSU": ("C-SZLH", "IMP-SRV"),
    }


def test_a_loop_that_slips_past_the_preview_is_refused_at_commit_without_writing(
    app, login_as, saved_assets, monkeypatch
):
    from dataclasses import replace

    from app.imports.catalog_specs import ASSETS, SPECS

    saved_assets({})
    monkeypatch.setitem(SPECS, "assets", replace(ASSETS, file_rules=()))  # as if the preview missed it
    client = login_as("admin")
    rows = (f"IMP-A,{MODEL},C-HZXH,IMP-B", f"IMP-B,{MODEL},C-HZXH,IMP-A")
    location, page = preview_of(client, upload(client, asset_file(*rows), "assets.csv", kind="assets"))
    assert 'action="/imports/commit/' in page.text
    refused = commit(client, location, page.text)
    assert refused.status_code == 200
    assert "Rows of the file refer to each other in a loop; nothing was imported." in refused.text
    assert assets_of(app) == {}


def test_a_domain_refusal_while_writing_is_shown_translated_without_writing(app, login_as, saved_assets, monkeypatch):
    from flask_babel import force_locale, gettext

    from app.domain.assets import AssetProblem, AssetRefused
    from app.imports import spec as engine

    saved_assets({})
    msgid = "An asset cannot be its own parent asset."
    real_apply = engine._apply

    def apply_then_refuse(*args):
        real_apply(*args)
        raise AssetRefused([AssetProblem(msgid)])

    monkeypatch.setattr(engine, "_apply", apply_then_refuse)
    client = login_as("admin")
    location, page = preview_of(
        client, upload(client, asset_file(f"IMP-A,{MODEL},C-HZXH,"), "assets.csv", kind="assets")
    )
    token = form_csrf_token(page.text)
    refused = client.post(location.replace("/preview/", "/commit/") + "?_l_=zh", data={"csrf_token": token})
    with app.test_request_context(), force_locale("zh"):
        expected = gettext(msgid)
    assert expected != msgid
    assert refused.status_code == 200 and f"<li>{expected}</li>" in refused.text
    assert assets_of(app) == {}
