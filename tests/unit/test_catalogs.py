"""The committed zh catalog is complete, current and compiled.

English is the source language, so only zh is checked. Fix failures with
`make translations` (extract, update, compile) and translate what it reports.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
POT = TRANSLATIONS / "messages.pot"
ZH_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
ZH_MO = ZH_PO.with_suffix(".mo")


def read_catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_every_zh_message_is_translated_and_not_fuzzy():
    bad = [
        f"{'fuzzy' if message.fuzzy else 'untranslated'}: {message.id!r}"
        for message in read_catalog(ZH_PO)
        if message.id and (message.fuzzy or not is_translated(message))
    ]
    assert not bad, f"{ZH_PO.relative_to(TRANSLATIONS.parent)} needs translations:\n" + "\n".join(bad)


def test_zh_catalog_has_a_header():
    """pybabel compile silently skips a .po without header (it reads as fuzzy) and keeps the old .mo."""
    catalog = read_catalog(ZH_PO)
    assert not catalog.fuzzy, f"{ZH_PO.name} has no header or a fuzzy one; `pybabel compile` would skip it"


def test_zh_catalog_has_every_extracted_message():
    extracted = {message.id for message in read_catalog(POT) if message.id}
    in_zh = {message.id for message in read_catalog(ZH_PO) if message.id}
    missing = sorted(map(repr, extracted - in_zh))
    assert not missing, "messages.pot has msgids the zh catalog lacks (run `make translations`):\n" + "\n".join(missing)


def test_zh_catalog_is_compiled_after_its_last_change():
    assert ZH_MO.exists(), f"{ZH_MO} is missing: run `make catalogs`"
    assert ZH_MO.stat().st_mtime >= ZH_PO.stat().st_mtime, (
        f"{ZH_MO.name} is older than {ZH_PO.name}: run `make catalogs`"
    )
