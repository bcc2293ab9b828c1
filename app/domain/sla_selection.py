"""Which SLA (服务级别协议) a service request gets: one documented rule, as a pure function.

The rule (``select_sla``), shown to admins on the SLA screens:

1. **Contract** — the SLA named by the request's contract, if that SLA is active.
2. **Most specific scope match** — otherwise the active SLAs whose scope matches the request compete.
   An SLA's scope matches when *every* scope list it fills matches the request:

   * customers: the request's customer is listed;
   * asset models: the model of the request's asset is listed;
   * categories: the request's category **or one of its parent categories** is listed (an SLA for
     "硬件故障" covers "硬件故障 / 打印机");
   * customer tiers: the customer's service tier is listed.

   Empty lists do not restrict; an SLA that fills no scope list is only ever a default. Among the
   matching SLAs the most specific wins, judged level by level in the order
   **customer → asset model → category → customer tier**: one naming the customer beats every one that
   does not; among equals, one naming the asset model wins; then the category nearest to the request's
   own category (its own before its parent before the root) wins; then one naming the tier wins.
   Equally specific SLAs are a configuration overlap; the oldest (lowest id) wins, so the answer is stable.
3. **Default** — otherwise the active default SLA (at most one per kind; the oldest if several).
4. Otherwise no SLA.

Inactive SLAs are ignored at every step, and only SLAs of the requested kind (external SLA for
customers' requests, internal OLA for vendors and groups) take part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from models.enums import ServiceTier, SLAKind

# The order the rule tries, for screens that explain it (each a reason code of ``Selection``).
CONTRACT = "contract"
CUSTOMER = "customer"
ASSET_MODEL = "asset_model"
CATEGORY = "category"
TIER = "tier"
DEFAULT = "default"
PRECEDENCE = (CONTRACT, CUSTOMER, ASSET_MODEL, CATEGORY, TIER, DEFAULT)
SCOPE_LEVELS = (CUSTOMER, ASSET_MODEL, CATEGORY, TIER)


@dataclass(frozen=True)
class SLACandidate:
    """What the rule needs to know about one SLA."""

    id: int
    kind: SLAKind = SLAKind.EXTERNAL
    active: bool = True
    is_default: bool = False
    customer_ids: frozenset[int] = frozenset()
    asset_model_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()
    tiers: frozenset[str] = frozenset()  # ServiceTier member names, e.g. "GOLD"

    @property
    def has_scope(self) -> bool:
        return bool(self.customer_ids or self.asset_model_ids or self.category_ids or self.tiers)


@dataclass(frozen=True)
class RequestFacts:
    """What the rule needs to know about one request."""

    customer_id: int | None = None
    tier: str | ServiceTier | None = None  # the customer's service tier
    category_path: tuple[int, ...] = ()  # the request's category, then its parent, … up to the root
    asset_model_id: int | None = None
    contract_sla_id: int | None = None  # the SLA named by the request's contract, if any


@dataclass(frozen=True)
class Selection:
    """The chosen SLA id (None: no SLA) and the step of the rule that chose it."""

    sla_id: int | None
    reason: str | None  # one of PRECEDENCE, or None when nothing applies


def select_sla(candidates: Iterable[SLACandidate], facts: RequestFacts, kind: SLAKind = SLAKind.EXTERNAL) -> Selection:
    """Apply the rule in this module's docstring to ``candidates`` for a request described by ``facts``."""
    usable = sorted((c for c in candidates if c.active and c.kind is kind), key=lambda c: c.id)
    if facts.contract_sla_id is not None:
        for candidate in usable:
            if candidate.id == facts.contract_sla_id:
                return Selection(candidate.id, CONTRACT)
    best: tuple[tuple[int, ...], SLACandidate] | None = None
    for candidate in usable:
        score = _score(candidate, facts)
        if score is not None and (best is None or score > best[0]):  # ties keep the lower id
            best = (score, candidate)
    if best is not None:
        score, candidate = best
        return Selection(candidate.id, SCOPE_LEVELS[next(i for i, part in enumerate(score) if part)])
    for candidate in usable:
        if candidate.is_default:
            return Selection(candidate.id, DEFAULT)
    return Selection(None, None)


def _score(candidate: SLACandidate, facts: RequestFacts) -> tuple[int, int, int, int] | None:
    """(customer, asset model, category closeness, tier) when every filled scope list matches, else None."""
    if not candidate.has_scope:
        return None
    tier = facts.tier.name if isinstance(facts.tier, ServiceTier) else facts.tier
    customer = asset_model = category = tier_match = 0
    if candidate.customer_ids:
        if facts.customer_id not in candidate.customer_ids:
            return None
        customer = 1
    if candidate.asset_model_ids:
        if facts.asset_model_id not in candidate.asset_model_ids:
            return None
        asset_model = 1
    if candidate.category_ids:
        depth = len(facts.category_path)
        closeness = [
            depth - i for i, category_id in enumerate(facts.category_path) if category_id in candidate.category_ids
        ]
        if not closeness:
            return None
        category = max(closeness)
    if candidate.tiers:
        if tier not in candidate.tiers:
            return None
        tier_match = 1
    return customer, asset_model, category, tier_match


def category_path(parent_of: Mapping[int, int | None], category_id: int | None) -> tuple[int, ...]:
    """The category and its ancestors, nearest first: (打印机, 硬件故障). Raises ``ValueError`` on a cycle."""
    path: list[int] = []
    node = category_id
    while node is not None:
        if node in path:
            raise ValueError(f"category {category_id} is its own ancestor")
        path.append(node)
        node = parent_of.get(node)
    return tuple(path)


def would_create_cycle(parent_of: Mapping[int, int | None], category_id: int, new_parent_id: int | None) -> bool:
    """Whether making ``new_parent_id`` the parent of ``category_id`` puts the category under itself."""
    if new_parent_id is None:
        return False
    seen: set[int] = set()
    node: int | None = new_parent_id
    while node is not None and node not in seen:
        if node == category_id:
            return True
        seen.add(node)
        node = parent_of.get(node)
    return False


def descendants(parent_of: Mapping[int, int | None], category_id: int) -> set[int]:
    """Every category under ``category_id`` (children, grandchildren, …), not the category itself."""
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = list(children.get(category_id, ()))
    while stack:
        node = stack.pop()
        if node not in found and node != category_id:
            found.add(node)
            stack.extend(children.get(node, ()))
    return found


def candidate_from_model(sla: Any) -> SLACandidate:
    """An ``SLACandidate`` from a stored ``models.sla.SLA`` (scope relations loaded)."""
    return SLACandidate(
        id=sla.id,
        kind=sla.kind,
        active=bool(sla.active),
        is_default=bool(sla.is_default),
        customer_ids=frozenset(customer.id for customer in sla.scope_customers),
        asset_model_ids=frozenset(model.id for model in sla.scope_asset_models),
        category_ids=frozenset(category.id for category in sla.scope_categories),
        tiers=frozenset(sla.scope_tiers or ()),
    )
