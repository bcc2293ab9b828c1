"""A dispatcher follows the SLA in a real browser, in Chinese: from the "SLA breached" list to a request's
SLA panel (breached target, why the due times are what they are, the clock span by span); a vendor sees
its work order's OLA due times. The demo's 90 days of requests provide breached ones."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import log_in


def test_dispatcher_opens_a_breached_request_and_reads_its_sla(page: Page):
    log_in(page, "dispatcher")
    page.goto("/requests/sla-breached/list/?_l_=zh")
    rows = page.locator("table tbody tr a[href*='/show/']")
    expect(rows.first).to_be_visible()
    with page.expect_navigation():
        rows.first.click()
    panel = page.locator("#sla")
    expect(panel).to_contain_text("服务级别协议")
    expect(panel.locator(".sd-sla-breached").first).to_contain_text("已超时")
    expect(panel).to_contain_text("到期时间的由来")
    expect(panel.locator(".sd-sla-change-created")).to_have_count(1)
    spans = panel.locator("details.sd-sla-spans")
    expect(spans.locator("table")).to_be_hidden()
    spans.locator("summary").click()
    expect(spans.locator("tr.sd-span-running").first).to_be_visible()


def test_vendor_sees_the_ola_due_times_of_its_work_order(page: Page):
    log_in(page, "vendor1")
    page.goto("/workorders/list/?_l_=zh")
    link = page.locator("table tbody tr a[href*='/show/']").first
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.click()
    expect(page.locator("tr.sd-ola")).to_contain_text("服务商OLA")
    expect(page.locator("tr.sd-ola-response")).to_contain_text("接单时限")
