"""The stock ledger's table of effects and the parsing of what a form or API call asks for (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.stock_ledger import BUCKETS, EFFECTS, WORK_ORDER_KINDS, StockRefused
from models.enums import StockMoveKind
from views.stock_ledger import MoveRequest, _safe_next

K = StockMoveKind


def test_every_kind_moves_stock_and_decrements_come_first():
    """A refused decrement must leave nothing changed: no increment may run before it."""
    assert set(EFFECTS) == set(StockMoveKind)
    for effects in EFFECTS.values():
        signs = [sign for _bucket, sign in effects]
        assert signs == sorted(signs), effects
        assert {bucket for bucket, _ in effects} <= set(BUCKETS)


def test_the_repair_loop_buckets():
    assert EFFECTS[K.DEFECTIVE_RETURN] == (("defective", 1),)
    assert EFFECTS[K.SENT_TO_REPAIR] == (("defective", -1), ("in_repair", 1))
    assert EFFECTS[K.REPAIRED] == (("in_repair", -1), ("on_hand", 1))
    assert EFFECTS[K.SCRAPPED] == (("in_repair", -1),)  # only what the repairer has judged is scrapped


def test_only_issues_and_returns_belong_to_work_orders():
    assert {K.ISSUE, K.RETURN, K.DEFECTIVE_RETURN} == WORK_ORDER_KINDS


@pytest.mark.parametrize("kind", ["ISSUE", "issue", " Issue ", "defective_return", "DEFECTIVE_RETURN"])
def test_kinds_are_read_by_name_or_code(kind):
    assert MoveRequest.parse({"kind": kind}).kind in (K.ISSUE, K.DEFECTIVE_RETURN)


def test_form_text_becomes_numbers_and_serial_lists():
    wanted = MoveRequest.parse(
        {"part_id": "3", "warehouse_id": "7", "quantity": "-2", "serials_installed": "A1\nB2, C3；", "note": ""},
        K.ADJUSTMENT,
    )
    assert (wanted.part_id, wanted.warehouse_id, wanted.quantity) == (3, 7, -2)
    assert wanted.serials_installed[:2] == ["A1", "B2"]
    assert wanted.to_warehouse_id is None and wanted.work_order_id is None


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "teleport"},
        {"kind": "receipt", "quantity": "two"},
        {"kind": "receipt", "quantity": True},
        {"kind": "receipt", "part_id": "x"},
        {"kind": "receipt", "note": 5},
        {"kind": "issue", "serials_installed": [1, 2]},
        {"kind": "issue", "serials_installed": ["s"] * 501},
    ],
)
def test_malformed_values_are_refused_with_a_sentence(data):
    with pytest.raises(StockRefused) as caught:
        MoveRequest.parse(data)
    assert caught.value.message.endswith(".")


@given(st.text(max_size=40))
def test_next_is_only_ever_a_path_on_this_site(target):
    safe = _safe_next(target)
    assert safe is None or (safe.startswith("/") and not safe.startswith("//") and "://" not in safe.split("?")[0])


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "relative"])
def test_unsafe_next_targets_are_dropped(target):
    assert _safe_next(target) is None
