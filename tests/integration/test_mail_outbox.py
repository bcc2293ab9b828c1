"""The mail outbox screens: Admin only, failed mail stands out, each mail's kind in words, the mail
rendered (text and HTML), send again."""

from __future__ import annotations

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.domain.outbox import MailAddress, queue_mail
from models.enums import MailStatus, Priority
from models.notifications import MailOutbox
from models.organisations import Customer
from models.service_requests import ServiceRequest
from tests.helpers import form_csrf_token
from tests.integration import test_i18n


@pytest.fixture
def outbox(app):
    """A kept (development) mail with hostile text, and a failed one."""
    from app.extensions import db

    with app.app_context():
        customer = db.session.query(Customer).order_by(Customer.id).first()
        request = ServiceRequest(
            number="SR-20261122-0777", customer=customer, subject="<b>Bold</b> printer", priority=Priority.P2
        )
        db.session.add(request)
        db.session.flush()
        kept = queue_mail(db.session, MailAddress("amy@example.com", "Amy", "en"), "request_reply",
                          {"reply": "<script>alert(1)</script>"}, request=request)  # fmt: skip
        failed = queue_mail(db.session, MailAddress("bad@example.com", None, "zh"), "request_closed", request=request)
        failed.status, failed.attempts, failed.last_error = (
            MailStatus.FAILED,
            6,
            "SMTPRecipientsRefused: <bad@example.com>",
        )
        db.session.commit()
        from tasks.mail import sweep_mail

        sweep_mail.call_local()  # development keeps new mail in the outbox, at the next minute
        return {"kept": kept.id, "failed": failed.id}


def test_development_mail_is_kept_in_the_outbox_by_the_minutely_sweep(app):
    from app.extensions import db
    from tasks.mail import sweep_mail

    with app.app_context():
        request = db.session.query(ServiceRequest).first()
        mail = queue_mail(db.session, MailAddress("new@example.com", None, "zh"), "request_closed", request=request)
        db.session.commit()
        assert mail.status is MailStatus.PENDING  # no task is queued per mail in development
        assert sweep_mail.call_local() == 0
        db.session.refresh(mail)
        assert mail.status is MailStatus.HELD and mail.attempts == 0


def test_admin_sees_the_outbox_with_failed_mail_standing_out(outbox, login_as):
    page = login_as("admin").get("/mail-outbox/list/?_l_=en").text
    assert "amy@example.com" in page and "bad@example.com" in page
    assert '<span class="label label-danger">Failed</span>' in page
    assert '<span class="text-danger">SMTPRecipientsRefused: &lt;bad@example.com&gt;</span>' in page


def test_admin_reads_the_text_escaped_and_the_html_sandboxed(outbox, login_as):
    client = login_as("admin")
    show = client.get(f"/mail-outbox/show/{outbox['kept']}?_l_=en").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in show and "<script>alert(1)" not in show
    assert f'src="/mail-outbox/html/{outbox["kept"]}"' in show and "<iframe sandbox" in show
    html = client.get(f"/mail-outbox/html/{outbox['kept']}")
    assert html.status_code == 200 and "sandbox" in html.headers["Content-Security-Policy"]
    assert "&lt;script&gt;" in html.text and "<script>" not in html.text


@pytest.mark.parametrize("username", ["dispatcher", "manager", "engineer1", "vendor1", "customer1"])
def test_only_admins_may_open_the_outbox(outbox, login_as, username):
    client = login_as(username)
    for url in ("/mail-outbox/list/", f"/mail-outbox/show/{outbox['kept']}", f"/mail-outbox/html/{outbox['kept']}"):
        assert client.get(url).status_code in (302, 403), url
        assert "amy@example.com" not in client.get(url, follow_redirects=True).text


def test_send_again_requeues_failed_and_kept_mail_only(app, outbox, login_as, monkeypatch):
    from app.extensions import db
    from tests.smtp_server import free_port

    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens: the send is refused

    client = login_as("admin")
    token = form_csrf_token(client.get(f"/mail-outbox/show/{outbox['failed']}").text)
    response = client.post(
        "/mail-outbox/action_post?_l_=en",
        data={"action": "send_again", "rowid": [str(outbox["failed"]), str(outbox["kept"])], "csrf_token": token},
        follow_redirects=True,
    )
    assert "2 mail(s) queued to be sent again." in response.text
    from tasks.mail import sweep_mail

    with app.app_context():
        assert sweep_mail.call_local() == 0  # development keeps new mail but sends what an admin sent again
        db.session.expire_all()
        for mail_id in outbox.values():
            mail = db.session.get(MailOutbox, mail_id)
            # Tried by the sweep, refused by the server, waiting for its retry.
            assert mail.status is MailStatus.PENDING and mail.attempts == 1 and "refused" in mail.last_error.lower()


def test_a_sent_mail_is_not_sent_again(app, outbox, login_as):
    from app.extensions import db

    with app.app_context():
        db.session.get(MailOutbox, outbox["kept"]).status = MailStatus.SENT
        db.session.commit()
    client = login_as("admin")
    token = form_csrf_token(client.get(f"/mail-outbox/show/{outbox['kept']}").text)
    response = client.post(
        "/mail-outbox/action_post?_l_=en",
        data={"action": "send_again", "rowid": [str(outbox["kept"])], "csrf_token": token},
        follow_redirects=True,
    )
    assert "1 mail(s) skipped" in response.text
    with app.app_context():
        assert db.session.get(MailOutbox, outbox["kept"]).status is MailStatus.SENT


def test_outbox_and_notification_pages_in_chinese_show_no_translatable_english(app, outbox, login_as):
    with test_i18n.FAB_ZH_MO.open("rb") as fab, test_i18n.ZH_PO.open("rb") as ours:
        translated = {**test_i18n.zh_translations(read_mo(fab)), **test_i18n.zh_translations(read_po(ours))}
    admin, data = login_as("admin"), test_i18n.stored_names(app)
    pages = ["/mail-outbox/list/", f"/mail-outbox/show/{outbox['failed']}", "/notifications/"]
    leftovers = [line for page in pages for line in test_i18n.english_leftovers(admin, page, translated, data)]
    assert not leftovers, "\n".join(leftovers)


def test_the_outbox_names_each_mail_in_words_and_shows_it_rendered(outbox, login_as):
    admin = login_as("admin")
    listing = admin.get("/mail-outbox/list/?_l_=zh").text
    assert "回复客户" in listing and "request_reply" not in listing  # the kind as a label, never the template key
    assert "SR-20261122-0777" in listing  # the request each mail is about
    show = admin.get(f"/mail-outbox/show/{outbox['failed']}?_l_=zh").text
    assert "请求已关闭（致联系人）" in show and "中文" in show
    assert "SR-20261122-0777" in show and "您好" in show  # the failed mail as it would go out now, in its language


def test_a_mail_that_cannot_be_worded_says_why_on_its_page(app, outbox, login_as):
    from app.extensions import db

    with app.app_context():
        db.session.get(MailOutbox, outbox["failed"]).kind = "retired_template"
        db.session.commit()
    page = login_as("admin").get(f"/mail-outbox/show/{outbox['failed']}?_l_=en")
    assert page.status_code == 200
    assert "This mail cannot be put together" in page.text and "Other mail" in page.text
    chinese = login_as("admin").get(f"/mail-outbox/show/{outbox['failed']}?_l_=zh").text
    assert "无法生成这封邮件：没有邮件模板“retired_template”。" in chinese


def test_the_outbox_list_costs_the_same_statements_for_2_and_40_mails(app, outbox, login_as):
    from app.extensions import db
    from tests.integration.test_query_budget import statements_for

    admin = login_as("admin")
    few = statements_for(app, admin, "/mail-outbox/list/?psize_MailOutboxView=50")
    with app.app_context():
        customer = db.session.query(Customer).order_by(Customer.id).first()
        for number in range(38):  # each about a request of its own
            request = ServiceRequest(number=f"SR-20261122-8{number:03d}", customer=customer, subject="Paper jam",
                                     priority=Priority.P3)  # fmt: skip
            db.session.add(request)
            db.session.flush()
            queue_mail(db.session, MailAddress(f"m{number}@example.com", None, "zh"), "request_closed", request=request)
        db.session.commit()
    many = statements_for(app, admin, "/mail-outbox/list/?psize_MailOutboxView=50")
    assert len(many) == len(few), "\n".join(many)


def test_nobody_writes_outbox_rows_by_hand_not_even_an_admin(app, outbox, login_as):
    from app.extensions import db

    admin = login_as("admin")
    for url in ("/mail-outbox/add", f"/mail-outbox/edit/{outbox['kept']}", f"/mail-outbox/delete/{outbox['kept']}"):
        assert admin.get(url).status_code == 404, url
        assert admin.post(url, data={"to_address": "evil@example.com"}).status_code in (400, 404), url
    with app.app_context():
        assert db.session.get(MailOutbox, outbox["kept"]).to_address == "amy@example.com"
