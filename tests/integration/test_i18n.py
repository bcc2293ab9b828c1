"""Chinese pages show no English the catalogs could translate; the language follows the documented order.

A visible English text equal to a msgid that our zh catalog or FAB's translates
means the string reaches the page without gettext (a plain label, a template
literal) or the compiled catalog is stale. Order of locale choice (app/i18n.py):
``?_l_=``, the session choice (``/lang/<code>``), the user's preferred language,
Accept-Language, then zh.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import flask_appbuilder
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
ZH_PO = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
ZH_MO = ZH_PO.with_suffix(".mo")
FAB_ZH_MO = Path(flask_appbuilder.__file__).parent / "translations" / "zh" / "LC_MESSAGES" / "messages.mo"
SKIPPED_PREFIXES = ("/static", "/lang/", "/logout", "/api/", "/swagger")
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BUTTON_INPUTS = {"submit", "button", "reset"}


def zh_translations(catalog) -> dict[str, str]:
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def catalog_translations() -> dict[str, str]:
    """Every msgid a zh page should never show in English: FAB's and ours."""
    with FAB_ZH_MO.open("rb") as fab, ZH_PO.open("rb") as ours:
        return {**zh_translations(read_mo(fab)), **zh_translations(read_po(ours))}


@pytest.fixture(scope="module")
def translated() -> dict[str, str]:
    return catalog_translations()


class VisibleText(HTMLParser):
    """Text nodes outside script/style and the labels of input buttons, each with its parent tag."""

    def __init__(self) -> None:
        super().__init__()
        self.open_tags: list[str] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") in BUTTON_INPUTS and attributes.get("value"):
            self.texts.append((tag, attributes["value"].strip()))
        if tag not in VOID_TAGS:
            self.open_tags.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open_tags:
            while self.open_tags.pop() != tag:
                pass

    def handle_data(self, data):
        if data.strip() and not {"script", "style"} & set(self.open_tags):
            self.texts.append((self.open_tags[-1] if self.open_tags else "", data.strip()))


def visible_texts(html: str) -> list[tuple[str, str]]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def stored_names(app) -> set[str]:
    """Role, permission and view names: data that list cells and select options show as stored."""
    sm = app.appbuilder.sm
    with app.app_context():
        session = sm.session
        return {
            row.name
            for model in (sm.role_model, sm.permission_model, sm.viewmenu_model)
            for row in session.query(model).all()
        }


def admin_pages(app) -> list[str]:
    """Every GET page without arguments, plus show/edit of one existing row of each model view."""
    views = {view.endpoint: view for view in app.appbuilder.baseviews}
    pages = []
    with app.app_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.rule.startswith(SKIPPED_PREFIXES):
                continue
            if not rule.arguments:
                pages.append(rule.rule)
                continue
            view_name, _, method = rule.endpoint.partition(".")
            view = views.get(view_name)
            if rule.arguments != {"pk"} or method not in ("show", "edit") or getattr(view, "datamodel", None) is None:
                continue
            _count, rows = view.datamodel.query(page=0, page_size=1)
            if rows:
                pages.append(rule.rule.replace("<pk>", str(view.datamodel.get_pk_value(rows[0]))))
    return sorted(set(pages))


def english_leftovers(client, page: str, translated: dict[str, str], data: set[str]) -> list[str]:
    resp = client.get(f"{page}{'&' if '?' in page else '?'}_l_=zh")
    assert resp.status_code < 500, f"{page} failed with {resp.status_code}"
    if resp.status_code != 200 or resp.mimetype != "text/html":
        return []
    return [
        f"{page}: {text!r} (zh: {translated[text]})"
        for parent, text in visible_texts(resp.text)
        if text in translated and not (parent in ("td", "option") and text in data)
    ]


def test_chinese_pages_show_no_translatable_english(app, login_as, client, translated):
    admin = login_as("admin")
    data = stored_names(app)
    leftovers = [line for page in admin_pages(app) for line in english_leftovers(admin, page, translated, data)]
    leftovers += english_leftovers(client, "/login/", translated, data)
    assert not leftovers, "English text on zh pages that a catalog translates:\n" + "\n".join(leftovers)


def test_login_page_in_chinese(client):
    texts = [text for _tag, text in visible_texts(client.get("/login/?_l_=zh").text)]
    assert "登录" in texts, f"the zh login page shows no 登录: {texts}"


# Locale selection


def is_chinese(html: str) -> bool:
    return "登录" in html or "欢迎" in html


def switcher_label(html: str) -> str:
    """The current language's name in the navbar switcher (its toggle, not the menu of others)."""
    match = re.search(r'id="language-switcher">\s*<a[^>]*>(.*?)</a>', html, re.DOTALL)
    assert match, "the page has no language switcher"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_query_parameter_beats_session_preference_and_browser(login_as):
    admin = login_as("admin")  # prefers zh
    admin.get("/lang/zh")
    resp = admin.get("/?_l_=en", headers={"Accept-Language": "zh-CN"})
    assert "Welcome," in resp.text and not is_chinese(resp.text), (
        "?_l_=en should win over session, user and browser (zh)"
    )
    assert switcher_label(resp.text) == "English"


def test_session_choice_beats_preferred_language(login_as):
    admin = login_as("admin")  # prefers zh
    admin.get("/lang/en")
    resp = admin.get("/")
    assert "Welcome," in resp.text, "after /lang/en the admin (prefers zh) should see English"
    assert switcher_label(resp.text) == "English"


def test_preferred_language_beats_browser(login_as):
    engineer = login_as("engineer3")  # prefers en, no session choice
    resp = engineer.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "Welcome," in resp.text and not is_chinese(resp.text), "engineer3 prefers English"
    assert switcher_label(resp.text) == "English"


def test_chinese_user_sees_chinese_switcher(login_as):
    resp = login_as("admin").get("/")
    assert "欢迎" in resp.text
    assert switcher_label(resp.text) == "中文"


@pytest.mark.parametrize(
    ("accept_language", "chinese"),
    [("en-US,en;q=0.9", False), (None, True), ("fr-FR,fr;q=0.9", True)],
    ids=["english-browser", "no-header", "unsupported-language"],
)
def test_anonymous_login_page_follows_browser_then_chinese(client, accept_language, chinese):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    html = client.get("/login/", headers=headers).text
    assert is_chinese(html) == chinese, f"Accept-Language {accept_language!r}: expected {'zh' if chinese else 'en'}"
    assert switcher_label(html) == ("中文" if chinese else "English")


def test_fresh_clone_has_compiled_catalog_used_by_pages(login_as, translated):
    """*.mo files are not committed: `make catalogs` must have built the one pages use."""
    assert ZH_MO.exists(), f"{ZH_MO} is missing: run `make catalogs`"
    expected = translated.get("Active customers")
    assert expected, "the zh catalog has no translation for the 'Active customers' card"
    html = login_as("admin").get("/?_l_=zh").text
    assert expected in html, f"the zh landing page does not show {expected} for the 'Active customers' card"
