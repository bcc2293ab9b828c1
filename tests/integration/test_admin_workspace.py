"""The administrator's workspace: system health first (failed job runs, mail stuck in the outbox), then the
catalog counts; each card equal to its list, and numbers that move when a job fails or mail is sent again."""

from __future__ import annotations

import pytest

from tests.helpers import form_csrf_token
from tests.integration.test_home import cards, list_record_count, with_args
from tests.integration.test_i18n import catalog_translations, english_leftovers, stored_names

FAILED_RUNS, STUCK_MAIL = "Failed job runs, last 24 hours", "Mail stuck in the outbox"


def test_the_admin_lands_on_system_health_then_the_catalog_counts(login_as, desk_story):
    shown = cards(login_as("admin"))
    assert list(shown) == [
        FAILED_RUNS,
        STUCK_MAIL,
        "Active user accounts",
        "Disabled user accounts",
        "Active customers",
        "Active service vendors",
    ]
    assert shown[FAILED_RUNS][0] == 1  # not the failure of two days ago, nor the run that went fine
    assert shown[STUCK_MAIL][0] == 2  # the failed mail and the one an hour overdue; not the one due 5 minutes ago


def test_the_health_cards_open_the_failed_runs_and_the_stuck_mail(login_as, desk_story):
    client = login_as("admin")
    shown = cards(client)
    runs = client.get(with_args(shown[FAILED_RUNS][1], "_l_=en")).text
    assert "database is locked" in runs and "disk full" not in runs
    mail = client.get(with_args(shown[STUCK_MAIL][1], "_l_=en")).text
    assert f"/mail-outbox/stuck/show/{desk_story.failed_mail}" in mail
    assert f"/mail-outbox/stuck/show/{desk_story.overdue_mail}" in mail
    assert client.get(f"/mail-outbox/stuck/show/{desk_story.failed_mail}").location.endswith(
        f"/mail-outbox/show/{desk_story.failed_mail}"
    )


def test_a_job_failing_raises_the_failed_runs_card(app, login_as, desk_story):
    from tasks.job_log import logged_job

    client = login_as("admin")
    before = cards(client)[FAILED_RUNS][0]

    @logged_job("auto_close")
    def auto_close():
        raise RuntimeError("desk settings missing")

    with app.app_context(), pytest.raises(RuntimeError):
        auto_close()
    count, href = cards(client)[FAILED_RUNS]
    assert count == before + 1 and list_record_count(client, href) == count


def test_sending_failed_mail_again_takes_it_off_the_stuck_card(app, login_as, desk_story, monkeypatch):
    from tests.smtp_server import free_port

    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # refused at once: retried in a minute, not stuck
    client = login_as("admin")
    count, href = cards(client)[STUCK_MAIL]
    token = form_csrf_token(client.get(href).text)
    client.post(
        "/mail-outbox/stuck/action_post",
        data={"action": "send_again", "rowid": [str(desk_story.failed_mail)], "csrf_token": token},
    )
    assert cards(client)[STUCK_MAIL][0] == count - 1


@pytest.mark.parametrize("username", ["dispatcher", "engineer1", "manager", "vendor1", "customer1"])
def test_only_admins_see_the_health_cards_or_open_their_lists(login_as, desk_story, username):
    client = login_as(username)
    assert not {FAILED_RUNS, STUCK_MAIL} & set(cards(client))
    for path in ("/job-log/failed/list/", "/mail-outbox/stuck/list/"):
        assert client.get(path).status_code in (302, 403), path


def test_the_chinese_workspace_and_its_lists_show_no_translatable_english(app, login_as, desk_story):
    translated, data = catalog_translations(), stored_names(app)
    client = login_as("admin")
    pages = ["/", *(href for _count, href in cards(client).values())]
    leftovers = [line for page in pages for line in english_leftovers(client, page, translated, data)]
    assert not leftovers, "\n".join(leftovers)
    home = client.get("/?_l_=zh").text
    for words in ("近 24 小时失败的任务运行", "发件箱中滞留的邮件"):
        assert words in home, words
