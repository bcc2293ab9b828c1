"""The satisfaction survey: mailed on resolution, answered once without login, in the contact's language."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models.base import utcnow
from tests.helpers import csrf_token, form_csrf_token, rendered
from tests.integration.test_auto_close import resolved_request

INVALID = {"zh": "此问卷链接无效或已过期", "en": "This survey link is not valid or has expired."}


@pytest.fixture
def session(app):
    from app.extensions import db

    with app.app_context():
        yield db.session


@pytest.fixture
def surveyed(session):
    """A resolved request whose contact got the survey mail; (request, token, mail)."""
    from app.domain.surveys import send_survey
    from models.notifications import MailOutbox

    request = resolved_request(session, resolved_at=utcnow() - timedelta(hours=1))
    send_survey(session, request, now=utcnow(), valid_days=14)
    session.commit()
    mail = session.scalars(
        select(MailOutbox).where(MailOutbox.request_id == request.id, MailOutbox.kind == "request_resolved")
    ).one()
    token = re.search(r"/survey/([A-Za-z0-9_-]+)", rendered(mail).text).group(1)
    return request, token, mail


def survey_of(session, request):
    from models.service_requests import SatisfactionSurvey

    return session.scalars(select(SatisfactionSurvey).where(SatisfactionSurvey.request_id == request.id)).one()


def answer(client, token, **fields):
    page = client.get(f"/survey/{token}")
    data = {"csrf_token": form_csrf_token(page.get_data(as_text=True)), **fields}
    return client.post(f"/survey/{token}", data=data)


def test_resolution_mail_carries_a_link_whose_token_is_stored_only_hashed(session, surveyed):
    request, token, mail = surveyed
    assert mail.to_address == request.contact.email
    assert mail.dedupe_key == f"resolved:{request.id}:{survey_of(session, request).id}"
    assert f"http://127.0.0.1:5000/survey/{token}" in rendered(mail).text
    survey = survey_of(session, request)
    assert survey.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (survey.token_hash, str(survey.id))
    assert survey.expires_at - survey.created_at == timedelta(days=14)


def test_survey_page_needs_no_login_and_shows_the_request_in_the_contacts_language(client, session, surveyed):
    request, token, _mail = surveyed
    page = client.get(f"/survey/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert request.number in html and "Printer jams" in html
    expected = {"zh": "满意度回访", "en": "Satisfaction survey"}[request.contact.preferred_language]
    assert expected in html


def test_survey_page_language_can_be_chosen(client, surveyed):
    _request, token, _mail = surveyed
    assert "Send my answer" in client.get(f"/survey/{token}?_l_=en").get_data(as_text=True)
    assert "提交评价" in client.get(f"/survey/{token}?_l_=zh").get_data(as_text=True)


def test_an_answer_is_stored_on_the_survey_and_the_request(client, session, surveyed):
    request, token, _mail = surveyed
    before = request.auto_close_from
    response = answer(client, token, rating="4", comment="  Quick and friendly  ")
    assert response.status_code == 200
    session.expire_all()
    survey = survey_of(session, request)
    assert (survey.rating, survey.comment) == (4, "Quick and friendly")
    assert survey.answered_at is not None
    assert (request.satisfaction_rating, request.satisfaction_comment) == (4, "Quick and friendly")
    assert request.satisfaction_at == survey.answered_at
    assert request.auto_close_from > before and request.reminded_at is None


def test_a_link_works_only_once(client, session, surveyed):
    request, token, _mail = surveyed
    answer(client, token, rating="5")
    again = client.get(f"/survey/{token}?_l_=en")
    assert again.status_code == 410
    assert "already been answered" in again.get_data(as_text=True)
    assert 'name="rating"' not in again.get_data(as_text=True)
    second = client.post(f"/survey/{token}", data={"rating": "1", "csrf_token": csrf_token(client)})
    assert second.status_code == 410
    session.expire_all()
    assert request.satisfaction_rating == 5


def test_an_expired_link_looks_like_an_unknown_one_and_changes_nothing(client, session, surveyed):
    request, token, _mail = surveyed
    survey_of(session, request).expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    expired = client.get(f"/survey/{token}?_l_=en")
    unknown = client.get(f"/survey/{'A' * len(token)}?_l_=en")
    assert expired.status_code == unknown.status_code == 404
    assert expired.get_data() == unknown.get_data()
    assert INVALID["en"] in expired.get_data(as_text=True)
    assert request.number not in expired.get_data(as_text=True)
    assert client.post(f"/survey/{token}", data={"rating": "3", "csrf_token": csrf_token(client)}).status_code == 404
    session.expire_all()
    assert request.satisfaction_rating is None


def test_a_tampered_token_is_refused_in_the_visitors_language(client, surveyed):
    _request, token, _mail = surveyed
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    page = client.get(f"/survey/{tampered}", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 404
    assert INVALID["zh"] in page.get_data(as_text=True)
    assert client.get(f"/survey/{token}/../{tampered}").status_code == 404


def test_a_rating_outside_one_to_five_is_refused(client, session, surveyed):
    request, token, _mail = surveyed
    response = answer(client, f"{token}?_l_=en", rating="7")
    assert "Choose a rating from 1 to 5." in response.get_data(as_text=True)
    session.expire_all()
    assert survey_of(session, request).answered_at is None
    assert request.satisfaction_rating is None


def test_a_missing_rating_is_refused_with_a_translated_message(client, session, surveyed):
    request, token, _mail = surveyed
    page = client.get(f"/survey/{token}?_l_=zh")
    response = client.post(f"/survey/{token}?_l_=zh", data={"csrf_token": form_csrf_token(page.get_data(as_text=True))})
    assert "请选择 1 到 5 分" in response.get_data(as_text=True)
    session.expire_all()
    assert survey_of(session, request).answered_at is None


def test_an_answer_without_the_forms_csrf_token_is_refused(client, session, surveyed):
    request, token, _mail = surveyed
    assert client.post(f"/survey/{token}", data={"rating": "5"}).status_code == 400
    session.expire_all()
    assert request.satisfaction_rating is None


def test_a_new_resolution_replaces_the_earlier_link(session, surveyed):
    from app.domain.surveys import find_survey, send_survey, survey_state

    request, token, _mail = surveyed
    send_survey(session, request, now=utcnow(), valid_days=14)
    session.commit()
    assert survey_state(find_survey(session, token), utcnow()).value == "expired"


def test_no_survey_without_a_contact_address(session):
    from app.domain.surveys import send_survey
    from models.service_requests import SatisfactionSurvey

    request = resolved_request(session, resolved_at=utcnow(), contact=False)
    send_survey(session, request, now=utcnow(), valid_days=14)
    assert session.scalar(select(SatisfactionSurvey.id).where(SatisfactionSurvey.request_id == request.id)) is None


def test_resolving_a_request_mails_the_contact_a_survey_link(session):
    from app.domain.service_requests import perform
    from models.enums import RequestAction, RequestStatus
    from models.notifications import MailOutbox

    request = resolved_request(session, resolved_at=utcnow())
    request.status, request.resolved_at, request.auto_close_from = RequestStatus.IN_PROGRESS, None, None
    session.commit()
    perform(session, request, RequestAction.RESOLVE, actor=None, roles={"Admin"}, now=utcnow(), resolution="Fixed")
    session.commit()
    mail = session.scalars(
        select(MailOutbox).where(MailOutbox.request_id == request.id, MailOutbox.kind == "request_resolved")
    ).one()
    token = re.search(r"/survey/([A-Za-z0-9_-]+)", rendered(mail).text).group(1)
    assert survey_of(session, request).token_hash == hashlib.sha256(token.encode()).hexdigest()
