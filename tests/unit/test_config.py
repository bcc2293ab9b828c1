"""config.load: defaults, environment overrides and one clear error per bad variable."""

import pytest

import config
from config import ConfigError


def load(tmp_path, **env):
    return config.load({"INSTANCE_PATH": str(tmp_path), **env})


def test_defaults_are_a_sqlite_file_in_the_instance_folder_and_shanghai_time(tmp_path):
    cfg = load(tmp_path)
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'servicedesk.db'}"
    assert cfg["BUSINESS_TIMEZONE"] == "Asia/Shanghai"
    assert cfg["APP_ENV"] == "development"
    assert cfg["HOST"] == "127.0.0.1" and cfg["PORT"] == 5000
    assert cfg["REDIS_URL"] is None


def test_development_secret_is_generated_once_and_kept(tmp_path):
    first = load(tmp_path)["SECRET_KEY"]
    second = load(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, APP_ENV="production")
    assert error.value.variable == "SECRET_KEY"


def test_production_cookies_are_secure_and_development_cookies_work_over_http(tmp_path):
    production = load(tmp_path, APP_ENV="production", SECRET_KEY="s" * 40)
    development = load(tmp_path)
    assert production["SESSION_COOKIE_SECURE"] is True
    assert development["SESSION_COOKIE_SECURE"] is False
    for cfg in (production, development):
        assert cfg["SESSION_COOKIE_HTTPONLY"] is True
        assert cfg["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_plain_postgresql_url_uses_the_installed_psycopg_driver(tmp_path):
    cfg = load(tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/x")
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1:5432/x"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("DATABASE_URL", "sqlite://"),
        ("APP_ENV", "staging"),
        ("BUSINESS_TIMEZONE", "Mars/Olympus"),
        ("PORT", "eighty"),
        ("MAIL_USE_TLS", "maybe"),
        ("JOB_LOG_KEEP_DAYS", "0"),
        ("JOB_LOG_KEEP_DAYS", "a month"),
        ("SCORECARD_CACHE_SECONDS", "-1"),
    ],
)
def test_bad_value_names_the_variable(tmp_path, variable, value):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, **{variable: value})
    assert error.value.variable == variable
    assert str(error.value).startswith(f"{variable}: ")


def test_redis_url_moves_rate_limit_storage_to_redis(tmp_path):
    cfg = load(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert load(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"


def test_overrides_win_over_the_environment(tmp_path):
    assert config.load({"INSTANCE_PATH": str(tmp_path), "PORT": "7000"}, {"PORT": 7001})["PORT"] == 7001
