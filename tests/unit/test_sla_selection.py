"""Which SLA a request gets: contract, then customer → asset model → category → tier, then default."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.domain.sla_selection import (
    ASSET_MODEL,
    CATEGORY,
    CONTRACT,
    CUSTOMER,
    DEFAULT,
    PRECEDENCE,
    TIER,
    RequestFacts,
    Selection,
    SLACandidate,
    candidate_from_model,
    category_path,
    descendants,
    select_sla,
    would_create_cycle,
)
from models.enums import ServiceTier, SLAKind

ACME = 10
OTHER_CUSTOMER = 11
PRINTER_MODEL = 20
HARDWARE, PRINTERS, JAMS = 30, 31, 32  # 硬件故障 / 打印机 / 卡纸
PARENT_OF = {HARDWARE: None, PRINTERS: HARDWARE, JAMS: PRINTERS, 40: None}

DEFAULT_SLA = SLACandidate(1, is_default=True)
TIER_SLA = SLACandidate(2, tiers=frozenset({"GOLD"}))
CATEGORY_SLA = SLACandidate(3, category_ids=frozenset({HARDWARE}))
MODEL_SLA = SLACandidate(4, asset_model_ids=frozenset({PRINTER_MODEL}))
CUSTOMER_SLA = SLACandidate(5, customer_ids=frozenset({ACME}))
CONTRACT_SLA = SLACandidate(6)
ALL = [DEFAULT_SLA, TIER_SLA, CATEGORY_SLA, MODEL_SLA, CUSTOMER_SLA, CONTRACT_SLA]

EVERYTHING = RequestFacts(
    customer_id=ACME,
    tier="GOLD",
    category_path=category_path(PARENT_OF, JAMS),
    asset_model_id=PRINTER_MODEL,
    contract_sla_id=CONTRACT_SLA.id,
)


def without(facts: RequestFacts, **changes) -> RequestFacts:
    return RequestFacts(**{**facts.__dict__, **changes})


def test_precedence_is_documented_in_order():
    assert PRECEDENCE == (CONTRACT, CUSTOMER, ASSET_MODEL, CATEGORY, TIER, DEFAULT)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (EVERYTHING, Selection(6, CONTRACT)),
        (without(EVERYTHING, contract_sla_id=None), Selection(5, CUSTOMER)),
        (without(EVERYTHING, contract_sla_id=None, customer_id=OTHER_CUSTOMER), Selection(4, ASSET_MODEL)),
        (without(EVERYTHING, contract_sla_id=None, customer_id=None, asset_model_id=None), Selection(3, CATEGORY)),
        (without(EVERYTHING, contract_sla_id=None, customer_id=None, asset_model_id=None, category_path=()),
         Selection(2, TIER)),
        (RequestFacts(customer_id=OTHER_CUSTOMER, tier="STANDARD"), Selection(1, DEFAULT)),
        (RequestFacts(), Selection(1, DEFAULT)),
    ],
)  # fmt: skip
def test_each_step_of_the_rule_in_turn(facts, expected):
    assert select_sla(ALL, facts) == expected


def test_no_sla_at_all_without_a_default():
    assert select_sla([TIER_SLA], RequestFacts(tier="STANDARD")) == Selection(None, None)
    assert select_sla([], EVERYTHING) == Selection(None, None)


def test_inactive_slas_are_ignored_at_every_step():
    inactive = [SLACandidate(**{**c.__dict__, "active": False}) for c in ALL]
    assert select_sla(inactive, EVERYTHING) == Selection(None, None)
    # An inactive contract SLA falls through to the best scope match.
    mixed = [*ALL[:5], SLACandidate(6, active=False)]
    assert select_sla(mixed, EVERYTHING) == Selection(5, CUSTOMER)
    # An inactive customer SLA leaves the asset model one.
    mixed = [DEFAULT_SLA, MODEL_SLA, SLACandidate(5, active=False, customer_ids=frozenset({ACME}))]
    assert select_sla(mixed, without(EVERYTHING, contract_sla_id=None)) == Selection(4, ASSET_MODEL)
    # An inactive default is no default.
    assert select_sla([SLACandidate(1, is_default=True, active=False)], RequestFacts()) == Selection(None, None)


def test_contract_sla_unknown_to_the_candidates_is_ignored():
    assert select_sla(ALL, without(EVERYTHING, contract_sla_id=999)) == Selection(5, CUSTOMER)


def test_only_the_requested_kind_takes_part():
    ola = SLACandidate(7, kind=SLAKind.INTERNAL, is_default=True)
    ola_for_acme = SLACandidate(8, kind=SLAKind.INTERNAL, customer_ids=frozenset({ACME}))
    assert select_sla([*ALL, ola, ola_for_acme], RequestFacts()) == Selection(1, DEFAULT)
    assert select_sla([*ALL, ola], RequestFacts(), kind=SLAKind.INTERNAL) == Selection(7, DEFAULT)
    assert select_sla([*ALL, ola, ola_for_acme], EVERYTHING, kind=SLAKind.INTERNAL) == Selection(8, CUSTOMER)
    # The contract's SLA must be of the kind asked for.
    assert select_sla([ola], RequestFacts(contract_sla_id=7)) == Selection(None, None)


def test_every_filled_scope_list_must_match():
    acme_printers = SLACandidate(9, customer_ids=frozenset({ACME}), category_ids=frozenset({PRINTERS}))
    facts = without(EVERYTHING, contract_sla_id=None)
    assert select_sla([DEFAULT_SLA, acme_printers], facts) == Selection(9, CUSTOMER)
    # Same customer, another category: the narrower SLA does not apply.
    other_category = without(facts, category_path=(40,))
    assert select_sla([DEFAULT_SLA, acme_printers], other_category) == Selection(1, DEFAULT)
    # Another customer with printers: it does not apply either.
    assert select_sla([DEFAULT_SLA, acme_printers], without(facts, customer_id=OTHER_CUSTOMER)) == Selection(1, DEFAULT)


def test_among_customer_matches_the_one_also_naming_the_category_wins():
    acme_printers = SLACandidate(9, customer_ids=frozenset({ACME}), category_ids=frozenset({PRINTERS}))
    facts = without(EVERYTHING, contract_sla_id=None)
    assert select_sla([CUSTOMER_SLA, acme_printers], facts) == Selection(9, CUSTOMER)


def test_customer_beats_anything_below_it_even_when_they_combine():
    model_and_category_and_tier = SLACandidate(
        9,
        asset_model_ids=frozenset({PRINTER_MODEL}),
        category_ids=frozenset({JAMS}),
        tiers=frozenset({"GOLD"}),
    )
    facts = without(EVERYTHING, contract_sla_id=None)
    assert select_sla([model_and_category_and_tier, CUSTOMER_SLA], facts) == Selection(5, CUSTOMER)


def test_a_category_covers_its_subcategories_and_the_nearest_wins():
    printers = SLACandidate(9, category_ids=frozenset({PRINTERS}))
    facts = RequestFacts(category_path=category_path(PARENT_OF, JAMS))
    assert select_sla([CATEGORY_SLA], facts) == Selection(3, CATEGORY)  # 硬件故障 covers 卡纸
    assert select_sla([CATEGORY_SLA, printers], facts) == Selection(9, CATEGORY)  # 打印机 is nearer
    own = SLACandidate(12, category_ids=frozenset({JAMS, HARDWARE}))
    assert select_sla([CATEGORY_SLA, printers, own], facts) == Selection(12, CATEGORY)
    # A subcategory's SLA does not cover its parent.
    assert select_sla([printers, DEFAULT_SLA], RequestFacts(category_path=(HARDWARE,))) == Selection(1, DEFAULT)


def test_tier_accepts_the_enum_member():
    assert select_sla([TIER_SLA], RequestFacts(tier=ServiceTier.GOLD)) == Selection(2, TIER)


def test_equally_specific_slas_resolve_to_the_oldest():
    newer = SLACandidate(50, customer_ids=frozenset({ACME}))
    older = SLACandidate(5, customer_ids=frozenset({ACME, OTHER_CUSTOMER}))
    facts = RequestFacts(customer_id=ACME)
    assert select_sla([newer, older], facts) == Selection(5, CUSTOMER)
    assert select_sla([older, newer], facts) == Selection(5, CUSTOMER)


def test_oldest_default_wins_when_several_are_flagged():
    assert select_sla([SLACandidate(8, is_default=True), SLACandidate(3, is_default=True)], RequestFacts()) == (
        Selection(3, DEFAULT)
    )


def test_an_sla_without_scope_is_not_a_match_for_everything():
    assert select_sla([SLACandidate(3), SLACandidate(4, is_default=True)], EVERYTHING) == Selection(4, DEFAULT)


def test_category_path_and_cycles():
    assert category_path(PARENT_OF, JAMS) == (JAMS, PRINTERS, HARDWARE)
    assert category_path(PARENT_OF, None) == ()
    with pytest.raises(ValueError):
        category_path({1: 2, 2: 1}, 1)
    assert would_create_cycle(PARENT_OF, HARDWARE, JAMS)  # 硬件故障 under its own grandchild
    assert would_create_cycle(PARENT_OF, PRINTERS, PRINTERS)
    assert not would_create_cycle(PARENT_OF, JAMS, 40)
    assert not would_create_cycle(PARENT_OF, JAMS, None)
    assert descendants(PARENT_OF, HARDWARE) == {PRINTERS, JAMS}
    assert descendants(PARENT_OF, JAMS) == set()


def test_candidate_from_a_stored_sla():
    sla = SimpleNamespace(
        id=3,
        kind=SLAKind.EXTERNAL,
        active=True,
        is_default=False,
        scope_customers=[SimpleNamespace(id=ACME)],
        scope_asset_models=[],
        scope_categories=[SimpleNamespace(id=HARDWARE)],
        scope_tiers=["GOLD"],
    )
    assert candidate_from_model(sla) == SLACandidate(
        3, customer_ids=frozenset({ACME}), category_ids=frozenset({HARDWARE}), tiers=frozenset({"GOLD"})
    )
