"""No REST API hands out secrets: every list and record, as admin, free of password hashes."""

from __future__ import annotations

import pytest
from flask_appbuilder import ModelRestApi

SECRETS = ('"password"', "pbkdf2:", "scrypt:")


def api_paths(app) -> list[str]:
    return sorted(
        f"/api/v1/{view.resource_name}/"
        for view in app.appbuilder.baseviews
        if isinstance(view, ModelRestApi) and view.resource_name
    )


def test_every_model_api_is_listed_in_the_openapi_spec(app, login_as):
    spec = login_as("admin").get("/api/v1/_openapi").get_json()
    documented = set(spec["paths"])
    missing = [path for path in api_paths(app) if path not in documented]
    assert missing == []


def test_no_api_list_or_record_contains_a_password_hash(app, login_as):
    client = login_as("admin")
    leaks = []
    for path in api_paths(app):
        listing = client.get(path)
        if listing.status_code != 200:
            continue
        bodies = [listing.text]
        ids = listing.get_json().get("ids") or []
        if ids:
            bodies.append(client.get(f"{path}{ids[0]}").text)
        leaks += [path for body in bodies if any(secret in body for secret in SECRETS)]
    assert leaks == []


def test_an_api_cannot_declare_a_whole_user_account_column():
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from models.organisations import Customer
    from views.base import AppModelApi

    with pytest.raises(TypeError, match="whole user accounts"):

        class LeakyApi(AppModelApi):
            datamodel = SQLAInterface(Customer)
            show_columns = ["code", "account_manager"]
