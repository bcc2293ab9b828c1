"""MAIL_DELIVERY and PUBLIC_BASE_URL: defaults per environment, one clear error when wrong."""

from __future__ import annotations

import pytest

import config
from config import ConfigError


def load(tmp_path, **env):
    return config.load({"INSTANCE_PATH": str(tmp_path), **env})


def test_development_keeps_mail_in_the_outbox_and_production_sends_it(tmp_path):
    assert load(tmp_path)["MAIL_DELIVERY"] == "outbox"
    assert load(tmp_path, APP_ENV="production", SECRET_KEY="s" * 40)["MAIL_DELIVERY"] == "smtp"
    assert load(tmp_path, MAIL_DELIVERY="smtp")["MAIL_DELIVERY"] == "smtp"


def test_an_unknown_delivery_mode_names_the_variable(tmp_path):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, MAIL_DELIVERY="pigeon")
    assert error.value.variable == "MAIL_DELIVERY"


def test_public_base_url_defaults_to_the_served_address_and_drops_a_trailing_slash(tmp_path):
    assert load(tmp_path, HOST="0.0.0.0", PORT="8080")["PUBLIC_BASE_URL"] == "http://0.0.0.0:8080"
    assert load(tmp_path, PUBLIC_BASE_URL="https://desk.example.com/sd/")["PUBLIC_BASE_URL"] == (
        "https://desk.example.com/sd"
    )


@pytest.mark.parametrize("bad", ["desk.example.com", "ftp://desk.example.com", "https://", "https://x.com/?a=1"])
def test_a_public_base_url_that_is_not_an_http_address_names_the_variable(tmp_path, bad):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, PUBLIC_BASE_URL=bad)
    assert error.value.variable == "PUBLIC_BASE_URL"
