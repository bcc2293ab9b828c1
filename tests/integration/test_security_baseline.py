"""Security baseline: CSRF, login rate limits, safe redirects, cookie flags, password policy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD
from tests.helpers import csrf_token, form_csrf_token


def customer_count(app) -> int:
    from app.extensions import db
    from models.organisations import Customer

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Customer)).scalar_one()


def login_form(client, username="admin", password=DEMO_PASSWORD, query=""):
    token = form_csrf_token(client.get("/login/").text)
    return client.post(f"/login/{query}", data={"username": username, "password": password, "csrf_token": token})


def api_token(client, username="admin", password=DEMO_PASSWORD):
    resp = client.post("/api/v1/security/login", json={"username": username, "password": password, "provider": "db"})
    return resp


def test_form_post_without_csrf_token_is_refused_and_saves_nothing(app, login_as):
    client = login_as("admin")
    before = customer_count(app)
    resp = client.post("/customers/add?_l_=en", data={"code": "C-NEW", "name": "新客户", "active": "y"})
    assert resp.status_code == 400
    assert "This form has expired" in resp.text
    assert customer_count(app) == before


def test_form_post_with_csrf_token_saves(app, login_as):
    client = login_as("admin")
    before = customer_count(app)
    token = form_csrf_token(client.get("/customers/add").text)
    resp = client.post("/customers/add", data={"code": "C-NEW", "name": "新客户", "active": "y", "csrf_token": token})
    assert resp.status_code == 302
    assert customer_count(app) == before + 1


def test_cookie_authenticated_api_write_needs_the_csrf_header(app, login_as):
    client = login_as("admin")
    before = customer_count(app)
    refused = client.post(
        "/api/v1/customer/", json={"code": "C-API", "name": "接口客户", "active": True, "service_tier": "standard"}
    )
    assert refused.status_code == 400
    assert customer_count(app) == before
    accepted = client.post(
        "/api/v1/customer/",
        json={"code": "C-API", "name": "接口客户", "active": True, "service_tier": "standard"},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert accepted.status_code == 201, accepted.text
    assert customer_count(app) == before + 1


def test_bearer_token_api_write_needs_no_csrf_header(app, client):
    token = api_token(client).get_json()["access_token"]
    resp = client.post(
        "/api/v1/customer/",
        json={"code": "C-JWT", "name": "令牌客户", "active": True, "service_tier": "standard"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 201, resp.text


def test_login_form_is_rate_limited(client):
    statuses = [login_form(client, password="wrong-password").status_code for _ in range(11)]
    assert 429 not in statuses[:10]
    assert statuses[10] == 429


def test_api_login_is_rate_limited(client):
    statuses = [api_token(client, password="wrong-password").status_code for _ in range(11)]
    assert 429 not in statuses[:10]
    assert statuses[10] == 429


def test_rate_limited_page_explains_itself_in_the_users_language(client):
    for _ in range(11):
        resp = login_form(client, password="wrong-password", query="?_l_=en")
    assert resp.status_code == 429
    assert "Too many attempts" in resp.text


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, target):
    resp = login_form(client, query=f"?next={target}")
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert "evil.example" not in location and "javascript" not in location


def test_login_follows_a_local_next_url(client):
    resp = login_form(client, query="?next=/customers/list/")
    assert resp.headers["Location"].endswith("/customers/list/")


def test_session_cookie_is_httponly_and_samesite_and_not_secure_in_development(client):
    resp = login_form(client)
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_in_production(app_env, tmp_path):
    from app import create_app

    env = {**app_env, "APP_ENV": "production", "SECRET_KEY": "p" * 48, "INSTANCE_PATH": str(tmp_path)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'prod.db'}"
    production = create_app(env=env)
    resp = production.test_client().get("/login/")
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_weak_password_is_refused_when_an_admin_creates_an_account(app, login_as):
    from app.extensions import db
    from models.users import UserAccount

    client = login_as("admin")
    page = client.get("/users/add?_l_=en")
    with app.app_context():
        role_id = app.appbuilder.sm.find_role("Engineer").id
    resp = client.post(
        "/users/add?_l_=en",
        data={
            "first_name": "王",
            "last_name": "五",
            "username": "wangwu",
            "email": "wangwu@example.cn",
            "active": "y",
            "roles": str(role_id),
            "preferred_language": "zh",
            "password": "weakpass",
            "conf_password": "weakpass",
            "csrf_token": form_csrf_token(page.text),
        },
    )
    assert resp.status_code == 200
    assert "two capital letters" in resp.text
    with app.app_context():
        assert db.session.query(UserAccount).filter_by(username="wangwu").count() == 0
