"""A dispatcher takes a call in a real browser with the keyboard alone: type, Tab, arrow keys and Enter,
from the login form to the new request's page. No clicks."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id")


def tab_to(page: Page, element_id: str) -> None:
    """Tab forward to a field, as a person would; fails if the tab order never reaches it."""
    for _ in range(12):
        if focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id} (stuck at #{focused_id(page)})")


def test_dispatcher_takes_a_call_with_the_keyboard_only(page: Page):
    page.goto("/login/?_l_=zh")
    page.keyboard.type("dispatcher")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto("/intake/")
    assert focused_id(page) == "caller-search"
    page.keyboard.type("C-HZXH")
    options = page.locator("#caller-results [role=option]")
    expect(options.first).to_contain_text("C-HZXH")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator(".sd-caller")).to_contain_text("杭州西湖数码科技有限公司")
    assert focused_id(page) == "contact"
    page.keyboard.press("ArrowDown")  # the first contact
    tab_to(page, "asset")
    page.keyboard.press("ArrowDown")  # the first asset; its site follows
    expect(page.locator("#site")).not_to_have_value("")
    tab_to(page, "category")
    page.keyboard.press("ArrowDown")  # the first category fills its standard description
    template = page.locator("#category option:checked").get_attribute("data-description")
    assert template
    expect(page.locator("#description")).to_have_value(template)
    tab_to(page, "subject")
    page.keyboard.type("打印机卡纸，整层无法打印")
    tab_to(page, "impact")
    page.keyboard.press("Home")  # impact 1: the priority follows live
    tab_to(page, "urgency")
    page.keyboard.press("Home")
    expect(page.locator("#priority-preview")).to_have_text(re.compile("^P1"))
    tab_to(page, "override_reason")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert re.search(r"/requests/show/\d+$", page.url), page.url
    expect(page.locator("body")).to_contain_text(re.compile(r"SR-\d{8}-\d{4}"))
    expect(page.locator("body")).to_contain_text("打印机卡纸，整层无法打印")
