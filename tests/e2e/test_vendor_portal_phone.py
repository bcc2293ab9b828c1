"""A vendor's engineer on a phone (390×844): the landing dashboard, the work-order list, a scheduled work
order with its check-in step, and the upload form fit the screen: nothing scrolls the page sideways.
The demo's 90 days of V-SHXX activity provide the work orders."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_browser import log_in

PHONE = {"width": 390, "height": 844}


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scrolling)."""
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def too_wide(page: Page) -> list[str]:
    """The elements reaching past the screen's right edge (for the failure message)."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 6).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))""")


def test_vendor_portal_fits_a_phone(browser: Browser, live_server: str):
    # Not is_mobile: mobile emulation zooms a too-wide page out, so innerWidth would grow with it.
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, "vendor1")
        page.goto("/?_l_=zh")
        expect(page.locator(".sd-card", has_text="未完成的工单")).to_be_visible()
        expect(page.locator("#next-due")).to_be_visible()
        assert horizontal_overflow(page) <= 0, ("dashboard", too_wide(page))
        expect(page.locator(".navbar-toggle")).to_be_visible()  # the menu collapses behind its button

        page.goto("/workorders/list/?_l_=zh&_flt_0_status=SCHEDULED")
        rows = page.locator("table tbody tr a[href*='/workorders/show/']")
        expect(rows.first).to_be_attached()
        assert horizontal_overflow(page) <= 0, ("work-order list", too_wide(page))

        with page.expect_navigation():
            rows.first.click()
        expect(page.locator(".sd-work-order")).to_have_attribute("data-status", "SCHEDULED")
        check_in = page.locator("form.sd-action-check_in")
        expect(check_in).to_be_visible()
        assert horizontal_overflow(page) <= 0, ("work order page", too_wide(page))

        check_in.scroll_into_view_if_needed()
        expect(check_in.locator("#check-in-at")).to_be_visible()
        box = check_in.locator("#check-in-at").bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], "check-in field off screen"

        upload = page.locator("#attachments form[enctype='multipart/form-data']")
        upload.scroll_into_view_if_needed()
        expect(upload.locator("input[type=file]")).to_be_attached()
        expect(upload.locator("button[type=submit]")).to_be_visible()
        button = upload.locator("button[type=submit]").bounding_box()
        assert button is not None and button["x"] + button["width"] <= PHONE["width"], "upload button off screen"
        assert horizontal_overflow(page) <= 0, ("upload form", too_wide(page))

        # The measure itself: one element wider than the phone makes the page scroll sideways.
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<div style=\"width:600px\">x</div>')")
        assert horizontal_overflow(page) > 0
    finally:
        context.close()
