"""An administrator works a catalog in a real browser, in Chinese: add, find, deactivate,
export, and import a file through its preview."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.test_browser import log_in


def test_admin_adds_finds_and_deactivates_a_customer_in_chinese(page: Page):
    log_in(page, "admin")
    page.goto("/customers/add?_l_=zh")
    expect(page.locator(".panel-title").first).to_contain_text("客户")
    page.locator("#code").fill("C-E2E01")
    page.locator("#name").fill("浏览器测试客户有限公司")
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()

    page.goto("/customers/list/?_flt_0_code=C-E2E01")  # FAB's "starts with" filter on code
    row = page.locator("tr", has_text="浏览器测试客户有限公司")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("是")  # active: 是

    with page.expect_navigation():
        row.locator("a[href*='/customers/edit/']").click()
    page.locator("#active").uncheck()
    with page.expect_navigation():
        page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.goto("/customers/list/?_flt_0_code=C-E2E01")
    expect(page.locator("tr", has_text="浏览器测试客户有限公司")).to_contain_text("否")


def test_admin_exports_the_filtered_customer_list(page: Page):
    log_in(page, "admin")
    page.goto("/customers/list/?_flt_0_active=y&_l_=zh")
    with page.expect_download() as download:
        page.locator(".sd-export a", has_text="CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert body.splitlines()[0].startswith("编码,名称")
    assert "C-HZXH" in body


def test_admin_imports_customers_through_a_preview(page: Page, tmp_path):
    csv_file = tmp_path / "customers.csv"
    csv_file.write_text("编码,名称\nC-E2E02,导入测试客户\n", encoding="utf-8-sig")
    log_in(page, "admin")
    page.goto("/imports/?_l_=zh")
    page.locator("#import-kind").select_option("customers")
    page.locator("#import-file").set_input_files(str(csv_file))
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="上传").click()
    commit = page.locator("form.import-commit button[type=submit]")
    expect(commit).to_be_visible()
    with page.expect_navigation():
        commit.click()
    page.goto("/customers/list/?_flt_0_code=C-E2E02")
    expect(page.locator("tr", has_text=re.compile("导入测试客户"))).to_have_count(1)
