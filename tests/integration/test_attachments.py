"""Attachments: size and type limits, storage outside the web root, downloads scoped to who may see."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import g, render_template
from sqlalchemy import select

from models.base import utcnow
from tests.helpers import csrf_token
from tests.integration.test_auto_close import resolved_request

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def records(app):
    """customer1's request with a work order of vendor1, and customer2's request; their ids.

    Tests touch the database in app contexts of their own, never around a request: a request run
    inside the test's app context would share ``g`` (the logged-in user) with the ones before it.
    """
    from app.extensions import db
    from models.organisations import Vendor
    from models.work_orders import WorkOrder

    with app.app_context():
        session = db.session
        first = resolved_request(session, resolved_at=utcnow(), customer_code="C-HZXH")
        second = resolved_request(session, resolved_at=utcnow(), customer_code="C-SEL")
        vendor1 = session.scalars(select(Vendor).where(Vendor.code == "V-SHXX")).one()
        work_order = WorkOrder(
            number=f"WO-T{first.id:06d}", request_id=first.id, customer_id=first.customer_id, vendor_id=vendor1.id
        )
        session.add(work_order)
        session.commit()
        return {"request": first.id, "work_order": work_order.id, "other_request": second.id, "number": first.number}


def attachments(app, request_id) -> list[SimpleNamespace]:
    from app.extensions import db
    from models.service_requests import Attachment

    with app.app_context():
        rows = db.session.scalars(select(Attachment).where(Attachment.request_id == request_id)).all()
        return [
            SimpleNamespace(**{column.key: getattr(row, column.key) for column in Attachment.__table__.columns})
            for row in rows
        ]


def change(app, fn) -> None:
    from app.extensions import db

    with app.app_context():
        fn(db.session)
        db.session.commit()


def upload(client, request_id, name, content, work_order_id=None):
    data = {
        "csrf_token": csrf_token(client),
        "request_id": str(request_id),
        "next": "/somewhere/",
        "file": (io.BytesIO(content), name),
    }
    if work_order_id:
        data["work_order_id"] = str(work_order_id)
    return client.post("/attachments/upload", data=data, content_type="multipart/form-data")


def storage(app) -> Path:
    return Path(app.instance_path) / "attachments"


def flashed(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def test_staff_attach_a_file_stored_by_a_random_name_with_its_hash(app, login_as, records):
    client = login_as("engineer1")
    response = upload(client, records["request"], "故障照片 1.png", PNG)
    assert response.status_code == 302 and response.headers["Location"].endswith("/somewhere/")
    (attachment,) = attachments(app, records["request"])
    assert attachment.filename == "故障照片 1.png"
    assert attachment.content_type == "image/png"
    assert attachment.size_bytes == len(PNG)
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    assert attachment.stored_name != attachment.filename and len(attachment.stored_name) == 40
    stored = storage(app) / attachment.stored_name
    assert stored.read_bytes() == PNG
    assert not Path(app.root_path, "static").joinpath(attachment.stored_name).exists()


def test_download_is_an_attachment_under_its_original_name(login_as, app, records):
    upload(login_as("engineer1"), records["request"], "故障照片 1.png", PNG)
    (attachment,) = attachments(app, records["request"])
    response = login_as("dispatcher").get(f"/attachments/{attachment.id}/download")
    assert response.status_code == 200
    assert response.data == PNG
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E6%95%85%E9%9A%9C%E7%85%A7%E7%89%87%201.png" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_customers_download_only_their_own_requests_files(login_as, app, records):
    upload(login_as("engineer1"), records["request"], "report.pdf", PDF)
    (attachment,) = attachments(app, records["request"])
    assert login_as("customer1").get(f"/attachments/{attachment.id}/download").status_code == 200
    assert login_as("customer2").get(f"/attachments/{attachment.id}/download").status_code == 404
    assert login_as("vendor1").get(f"/attachments/{attachment.id}/download").status_code == 404


def test_vendors_see_only_files_of_their_own_work_orders(login_as, app, records):
    vendor1 = login_as("vendor1")
    assert upload(vendor1, records["request"], "onsite.jpg", b"\xff\xd8\xff\xe0" + bytes(40),
                  records["work_order"]).status_code == 302  # fmt: skip
    (attachment,) = attachments(app, records["request"])
    assert attachment.work_order_id == records["work_order"] and attachment.vendor_id is not None
    assert vendor1.get(f"/attachments/{attachment.id}/download").status_code == 200
    assert login_as("vendor2").get(f"/attachments/{attachment.id}/download").status_code == 404
    assert login_as("customer1").get(f"/attachments/{attachment.id}/download").status_code == 200
    assert login_as("customer2").get(f"/attachments/{attachment.id}/download").status_code == 404


def test_outsiders_cannot_attach_to_others_records(login_as, app, records):
    assert upload(login_as("vendor2"), records["request"], "x.png", PNG, records["work_order"]).status_code == 404
    assert upload(login_as("vendor1"), records["request"], "x.png", PNG).status_code == 404  # request level
    assert upload(login_as("customer2"), records["request"], "x.png", PNG).status_code == 404
    assert (
        upload(login_as("customer2"), records["other_request"], "x.png", PNG, records["work_order"]).status_code == 404
    )
    assert attachments(app, records["request"]) == []


def test_customers_attach_to_their_own_request(login_as, app, records):
    assert upload(login_as("customer1"), records["request"], "screenshot.png", PNG).status_code == 302
    assert len(attachments(app, records["request"])) == 1


def test_anonymous_users_get_nothing(client, login_as, app, records):
    upload(login_as("engineer1"), records["request"], "report.pdf", PDF)
    (attachment,) = attachments(app, records["request"])
    assert client.get(f"/attachments/{attachment.id}/download").status_code == 404
    assert upload(client, records["request"], "x.png", PNG).status_code == 404


def test_files_over_the_size_limit_are_refused_and_leave_nothing(app, login_as, records):
    from app.domain.service_requests import desk_settings

    change(app, lambda session: setattr(desk_settings(session), "attachment_max_mb", 1))
    before = set(storage(app).glob("*")) if storage(app).exists() else set()
    client = login_as("engineer1")
    upload(client, records["request"], "big.txt", b"a" * (1024 * 1024 + 1))
    assert flashed(client) == ["文件超过 1 MB。"]
    assert attachments(app, records["request"]) == []
    assert set(storage(app).glob("*")) | set(storage(app).glob(".*")) == before
    upload(client, records["request"], "fits.txt", b"a" * (1024 * 1024))
    assert len(attachments(app, records["request"])) == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PDF),
        ("notes.docx", docx_bytes()),
        ("readings.csv", "温度,湿度\n21,40\n".encode("gb18030")),
        ("logs.zip", docx_bytes()),
        ("sheet.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
        ("Photo.JPEG", b"\xff\xd8\xff\xe1" + bytes(20)),
    ],
)
def test_allowed_types_are_accepted(login_as, app, records, name, content):
    upload(login_as("engineer1"), records["request"], name, content)
    assert [a.filename for a in attachments(app, records["request"])] == [name]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + bytes(60), "不能上传此类型（.exe）的文件"),
        ("script.html", b"<script>alert(1)</script>", "不能上传此类型（.html）的文件"),
        ("noextension", b"hello", "不能上传此类型（noextension）的文件"),
        ("photo.png", b"MZ\x90\x00" + bytes(60), "photo.png 的内容不是 .png 文件"),
        ("report.pdf", b"<html>not a pdf</html>", "report.pdf 的内容不是 .pdf 文件"),
        ("notes.docx", b"PK\x03\x04" + bytes(40), "notes.docx 的内容不是 .docx 文件"),
        ("binary.txt", b"abc\x00\x01\x02", "binary.txt 的内容不是 .txt 文件"),
        ("empty.txt", b"", "文件是空的。"),
    ],
)
def test_other_types_and_disguised_files_are_refused(login_as, app, records, name, content, message):
    client = login_as("engineer1")
    upload(client, records["request"], name, content)
    assert any(message in text for text in flashed(client))
    assert attachments(app, records["request"]) == []


def test_refusals_are_worded_in_the_users_language(app, login_as, records):
    client = login_as("engineer3")  # prefers English
    upload(client, records["request"], "setup.exe", b"MZ")
    assert flashed(client)[0].startswith("Files of this type (.exe) cannot be attached.")


@pytest.mark.parametrize("name", ["../../../etc/passwd.txt", "..\\..\\windows\\evil.txt", "/abs/.hidden.txt"])
def test_path_parts_of_uploaded_names_are_dropped(app, login_as, records, name):
    upload(login_as("engineer1"), records["request"], name, b"plain text")
    (attachment,) = attachments(app, records["request"])
    assert attachment.filename.endswith(".txt")
    assert not {"/", "\\"} & set(attachment.filename) and not attachment.filename.startswith(".")
    assert (storage(app) / attachment.stored_name).is_file()
    assert not Path("/etc/passwd.txt").exists()


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.txt", "evil.txt"),
        ("/abs/path/.hidden.txt", "hidden.txt"),
        ("line\nbreak\x00.txt", "linebreak.txt"),
        ("  ..  ", ""),
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_clean_filename_keeps_only_a_plain_name(name, kept):
    from app.attachments import clean_filename

    assert clean_filename(name) == kept


def test_closed_requests_take_no_files(login_as, app, records):
    from models.enums import RequestStatus
    from models.service_requests import ServiceRequest

    change(
        app, lambda session: setattr(session.get(ServiceRequest, records["request"]), "status", RequestStatus.CLOSED)
    )
    client = login_as("engineer1")
    upload(client, records["request"], "late.png", PNG)
    assert flashed(client) == [f"{records['number']} 已关闭，不能修改；请先重新打开。"]
    assert attachments(app, records["request"]) == []


def render_panel(app, username, request_id, work_order_id=None) -> str:
    """desk/_attachments.html as the request (or work order) page includes it, for ``username``."""
    from flask_login import login_user

    from app.extensions import db
    from models.service_requests import ServiceRequest
    from models.users import UserAccount
    from models.work_orders import WorkOrder

    with app.test_request_context("/requests/show/1"):
        user = db.session.scalars(select(UserAccount).where(UserAccount.username == username)).one()
        login_user(user)
        g.user = user
        item = db.session.get(ServiceRequest, request_id)
        work_order = db.session.get(WorkOrder, work_order_id) if work_order_id else None
        return render_template("desk/_attachments.html", item=item, work_order=work_order)


def test_the_panel_lists_only_what_the_user_may_see(app, login_as, records):
    upload(login_as("engineer1"), records["request"], "request-level.pdf", PDF)
    upload(login_as("vendor1"), records["request"], "vendor-photo.png", PNG, records["work_order"])
    staff = render_panel(app, "dispatcher", records["request"])
    assert "request-level.pdf" in staff and "vendor-photo.png" in staff and 'name="file"' in staff
    vendor = render_panel(app, "vendor1", records["request"], records["work_order"])
    assert "vendor-photo.png" in vendor and "request-level.pdf" not in vendor
    assert "vendor-photo.png" not in render_panel(app, "vendor2", records["request"], records["work_order"])
    assert 'name="file"' not in render_panel(app, "vendor2", records["request"], records["work_order"])
    other = render_panel(app, "customer2", records["request"])
    assert "request-level.pdf" not in other and 'name="file"' not in other


def test_the_request_and_work_order_pages_show_the_panel(login_as, records):
    upload(login_as("engineer1"), records["request"], "request-level.pdf", PDF)
    upload(login_as("vendor1"), records["request"], "vendor-photo.png", PNG, records["work_order"])
    page = login_as("dispatcher").get(f"/requests/show/{records['request']}").get_data(as_text=True)
    assert "request-level.pdf" in page and "vendor-photo.png" in page and 'action="/attachments/upload' in page
    page = login_as("vendor1").get(f"/workorders/show/{records['work_order']}").get_data(as_text=True)
    assert "vendor-photo.png" in page and "request-level.pdf" not in page
