"""Support groups (支持组) and engineer profiles: who may join, who may have a profile, what it costs."""

from __future__ import annotations

import re

from tests.helpers import csrf_token, form_csrf_token


def add(client, url, data):
    token = form_csrf_token(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def select_options(page: str, name: str) -> dict[str, str]:
    """value → text of the options of the select field ``name`` in a form page."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    return dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def user_ids(app, *usernames) -> list[int]:
    from app.extensions import db
    from models.users import UserAccount

    with app.app_context():
        by_name = {user.username: user.id for user in db.session.query(UserAccount).all()}
    return [by_name[name] for name in usernames]


def test_admin_creates_a_support_group_with_members(app, login_as):
    from app.extensions import db
    from models.enums import SupportTier
    from models.support import SupportGroup

    lead, member, dispatcher = user_ids(app, "engineer1", "engineer2", "dispatcher")
    client = login_as("admin")
    add(
        client,
        "/support-groups/add",
        {
            "name": "网络专项组",
            "tier": "L2",
            "lead": str(lead),
            "members": [str(member), str(dispatcher)],
            "active": "y",
        },
    )
    with app.app_context():
        group = db.session.query(SupportGroup).filter_by(name="网络专项组").one()
        assert group.tier is SupportTier.L2
        assert group.lead_id == lead
        assert sorted(user.id for user in group.members) == sorted([member, dispatcher])
        group_id = group.id
    page = client.get(f"/support-groups/show/{group_id}?_l_=en").text
    assert "engineer2@demo.servicedesk.cn" in page and "dispatcher@demo.servicedesk.cn" in page  # the members tab
    assert "L2 second line" in page


def test_member_dropdown_offers_only_engineers_and_dispatchers(app, login_as):
    from app.extensions import db
    from models.users import UserAccount

    offered = select_options(login_as("admin").get("/support-groups/add").text, "members")
    with app.app_context():
        roles = {str(user.id): {role.name for role in user.roles} for user in db.session.query(UserAccount).all()}
    assert offered
    assert all(roles[user_id] & {"Engineer", "Dispatcher"} for user_id in offered)
    engineer, dispatcher, manager, vendor, customer = user_ids(
        app, "engineer1", "dispatcher", "manager", "vendor1", "customer1"
    )
    assert {str(engineer), str(dispatcher)} <= set(offered)
    assert not {str(manager), str(vendor), str(customer)} & set(offered)


def test_api_refuses_a_group_member_who_is_not_an_engineer_or_dispatcher(app, login_as):
    from app.extensions import db
    from models.support import SupportGroup

    (customer,) = user_ids(app, "customer1")
    client = login_as("admin")
    resp = client.post(
        "/api/v1/support_group/?_l_=en",
        json={"name": "混编组", "tier": "L1", "members": [customer], "active": True},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert resp.status_code == 400
    assert "Only engineers and dispatchers can be members" in resp.get_json()["message"]
    with app.app_context():
        assert db.session.query(SupportGroup).filter_by(name="混编组").count() == 0


def test_engineer_profile_form_offers_only_engineers_without_a_profile(app, login_as):
    from app.extensions import db
    from models.support import EngineerProfile
    from models.users import UserAccount

    with app.app_context():
        engineers = [
            user
            for user in db.session.query(UserAccount).filter(UserAccount.active.is_(True)).all()
            if "Engineer" in {role.name for role in user.roles}
        ]
        profiled = {profile.user_id for profile in db.session.query(EngineerProfile).all()}
        new_engineer = UserAccount(
            username="engineer_new", first_name="新", last_name="王", email="engineer_new@example.cn", active=True,
            roles=engineers[0].roles,
        )  # fmt: skip
        db.session.add(new_engineer)
        db.session.commit()
        expected = {str(new_engineer.id)} | {str(user.id) for user in engineers if user.id not in profiled}
    offered = select_options(login_as("admin").get("/engineers/add").text, "user")
    assert set(offered) == expected


def test_engineer_profile_add_refuses_a_user_who_already_has_one(app, login_as):
    from app.extensions import db
    from models.support import EngineerProfile

    (engineer,) = user_ids(app, "engineer1")
    client = login_as("admin")
    resp = client.post(
        "/api/v1/engineer_profile/?_l_=en",
        json={"user": engineer, "hourly_cost": "100.00", "active": True},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert resp.status_code == 400
    assert "already has an engineer profile" in resp.get_json()["message"]
    add(client, "/engineers/add", {"user": str(engineer), "hourly_cost": "100.00", "active": "y"})
    with app.app_context():
        assert db.session.query(EngineerProfile).filter_by(user_id=engineer).count() == 1


def test_negative_hourly_cost_is_refused_with_a_message(app, login_as):
    from app.extensions import db
    from models.support import EngineerProfile

    with app.app_context():
        profile = db.session.query(EngineerProfile).order_by(EngineerProfile.id).first()
        profile_id, cost = profile.id, profile.hourly_cost
    client = login_as("admin")
    page = client.get(f"/engineers/edit/{profile_id}").text
    resp = client.post(
        f"/engineers/edit/{profile_id}?_l_=en",
        data={"hourly_cost": "-5", "active": "y", "csrf_token": form_csrf_token(page)},
        follow_redirects=True,
    )
    assert "The hourly cost cannot be negative." in resp.text
    with app.app_context():
        assert db.session.get(EngineerProfile, profile_id).hourly_cost == cost


def test_hourly_cost_is_money_in_the_users_locale(login_as):
    client = login_as("manager")
    assert "¥180.00" in client.get("/engineers/list/?_l_=zh").text
    assert "CN¥180.00" in client.get("/engineers/list/?_l_=en").text
