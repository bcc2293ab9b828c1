"""What a person sees in a real browser: logging in and out, languages, landing cards."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD, LOGIN_ACCOUNTS
from models.users import UserAccount

# Chinese wording may change with the catalogs; "has Chinese characters" does not.
LOGOUT_LABEL = {"en": "Logout", "zh": re.compile(r"[\u4e00-\u9fff]")}


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Type into the login form and press Enter, as a person would."""
    page.goto("/login/")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("#password").press("Enter")


def open_user_menu(page: Page):
    """Open the navbar's user menu and return its Logout link."""
    page.locator(".navbar-right a.dropdown-toggle", has=page.locator(".fa-user")).click()
    logout = page.locator('.navbar-right a[href$="/logout/"]')
    expect(logout).to_be_visible()
    return logout


def expect_language(page: Page, language: str) -> None:
    expect(open_user_menu(page)).to_have_text(LOGOUT_LABEL[language])


def switch_language(page: Page, name: str) -> None:
    page.locator("#language-switcher a.dropdown-toggle").click()
    option = page.locator("#language-switcher").get_by_role("link", name=name)
    with page.expect_navigation():
        option.click()


def number(text: str) -> int:
    """The number in "12", "1,234" or "Record Count: 12"."""
    return int(re.sub(r"\D", "", text))


@pytest.mark.parametrize("account", LOGIN_ACCOUNTS, ids=lambda account: account.username)
def test_demo_account_logs_in_to_its_cards_and_name_then_logs_out(page, live_server, account):
    log_in(page, account.username)

    assert page.url == f"{live_server}/"
    full_name = UserAccount(first_name=account.first_name, last_name=account.last_name).get_full_name()
    expect(page.locator(".navbar-right")).to_contain_text(full_name)
    counts = page.locator("a.sd-card .sd-count").all_inner_texts()
    assert len(counts) >= 3, f"{account.role} sees only {len(counts)} cards"
    assert all(re.fullmatch(r"[\d,]+(\.\d)?", count) for count in counts), counts  # hours have a decimal

    with page.expect_navigation():
        open_user_menu(page).click()
    expect(page.locator("#username")).to_be_visible()
    expect(page.locator(".navbar-right")).not_to_contain_text(account.last_name)


@pytest.mark.parametrize(("browser_locale", "sign_in"), [("zh-CN", "登录"), ("en-US", "Sign In")])
def test_login_page_speaks_the_browser_language(page, sign_in):
    page.goto("/login/")
    expect(page.locator("form[name=login] input[type=submit]")).to_have_value(sign_in)


def test_language_switcher_changes_the_language_and_the_choice_persists(page):
    log_in(page, "admin")  # prefers Chinese, like the browser
    expect_language(page, "zh")

    for name, language in (("English", "en"), ("中文", "zh")):
        switch_language(page, name)
        expect_language(page, language)
        page.goto("/")
        expect_language(page, language)


def test_english_preference_wins_over_a_chinese_browser(page):
    log_in(page, "engineer3")
    expect(page.locator("#language-switcher")).to_contain_text("English")
    expect_language(page, "en")


@pytest.mark.parametrize("username", ["admin", "dispatcher", "vendor1"])  # everything / the desk / one vendor
def test_landing_card_opens_the_list_it_counts_with_the_same_number(page, live_server, username):
    log_in(page, username)
    for index in range(page.locator("a.sd-card").count()):
        card = page.locator("a.sd-card").nth(index)
        label = card.locator(".sd-label").inner_text()
        count, href = number(card.locator(".sd-count").inner_text()), card.get_attribute("href")
        with page.expect_navigation() as navigation:
            card.click()
        assert navigation.value.ok, f"card {label!r} opened {href}: HTTP {navigation.value.status}"
        assert page.url == f"{live_server}{href}"
        assert number(page.locator(".well .pull-right").inner_text()) == count, f"card {label!r} ({href})"
        page.go_back()


@pytest.mark.parametrize("browser_locale", ["en-US"])
def test_wrong_password_shows_an_error_and_stays_on_the_login_page(page):
    log_in(page, "admin", "not-the-password")

    assert urlsplit(page.url).path == "/login/"
    expect(page.get_by_text("Invalid login. Please try again.")).to_be_visible()
    expect(page.locator("#password")).to_be_visible()
