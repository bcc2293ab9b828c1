"""Asset rules (设备): what an asset or an asset model must be before it is saved, and the serial lookup.

An asset belongs to one customer; its site and its parent asset (the server a
module is mounted in) belong to that customer too, parents never form a loop, and
moving an asset to another customer may not strand the modules mounted in it.
Its warranty cannot end before it starts, and a serial number is registered once.

A broken rule is an ``AssetProblem``: a msgid with parameters (dates as dates, rows by
name) that views show in the user's language (``app.display.translated``; a plural one
with ``ngettext``). Nothing is flushed while checking, so a half-edited record never
reaches the database (and never trips a constraint) before it passes.

The rules are checked on a batch of ``AssetDraft``s (an import file: rows that name
each other as parents, move a server together with its modules) against the saved
assets; a single record (a screen, the API) is a batch of one (``asset_problems``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.domain.request_flow import N_
from models.assets import Asset, AssetModel
from models.organisations import Customer, Site

CHUNK = 500  # values per IN (...)


@dataclass(frozen=True)
class AssetProblem:
    """A rule a record breaks: ``message`` a msgid with ``%(name)s`` parameters.

    With ``plural`` (the plural msgid), ``count`` picks the form and is the message's ``%(num)d``.
    ``rule`` names the rule (see ``RULES``), ``attribute`` the asset's field at fault.
    """

    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int = 1
    rule: str = ""
    attribute: str = ""

    def __str__(self) -> str:
        """In English (the msgids), for logs and callers without a locale."""
        message = self.plural if self.plural is not None and self.count != 1 else self.message
        return message % {"num": self.count, **{key: str(value) for key, value in self.params.items()}}


SERIAL_TAKEN, WARRANTY_ORDER, SITE_OWNER = "serial_taken", "warranty_order", "site_owner"
OWN_PARENT, PARENT_OWNER, PARENT_LOOP, STRANDED_MODULES = "own_parent", "parent_owner", "parent_loop", "stranded"
RULES = (SERIAL_TAKEN, WARRANTY_ORDER, SITE_OWNER, OWN_PARENT, PARENT_OWNER, PARENT_LOOP, STRANDED_MODULES)


class AssetRefused(ValidationError):
    """The record breaks the rules in ``problems``; ``str()`` is the English text."""

    def __init__(self, problems: list[AssetProblem]) -> None:
        super().__init__(" ".join(str(problem) for problem in problems))
        self.problems = problems


def ngettext(singular: str, plural: str, num: int, **params: object) -> AssetProblem:
    """A problem with a singular and a plural msgid; translates nothing, the view picks the form.

    Named like gettext's function so that message extraction (keyword ``ngettext:1,2``)
    keeps the two msgids as one plural entry of the catalogs.
    """
    return AssetProblem(singular, params, plural=plural, count=num)


@dataclass(eq=False)
class AssetDraft:
    """An asset as a batch would save it, e.g. one row of an import file.

    ``record`` is the asset it updates (None: a new one). ``parent`` is a saved asset, the
    serial number of another draft of the batch, or None; a serial number that no draft
    has is not checked (the row naming it is wrong already).
    """

    serial_number: str
    customer: Customer | None
    record: Asset | None = None
    site: Site | None = None
    parent: Asset | str | None = None
    warranty_start: date | None = None
    warranty_end: date | None = None
    customer_id: int | None = None  # when only the id is known; else the customer's

    def __post_init__(self) -> None:
        if self.customer is not None:
            self.customer_id = self.customer.id

    def __str__(self) -> str:
        return self.serial_number


def asset_problems(session: Session, asset: Asset) -> list[AssetProblem]:
    """Every rule the (unsaved) asset breaks; empty if it may be saved. Strips the serial number."""
    with session.no_autoflush:
        if asset.serial_number:
            asset.serial_number = asset.serial_number.strip()
        draft = AssetDraft(
            serial_number=asset.serial_number,
            customer=asset.customer,
            customer_id=asset.customer_id,
            record=asset,
            site=asset.site,
            parent=asset.parent,
            warranty_start=asset.warranty_start,
            warranty_end=asset.warranty_end,
        )
        return _Batch(session, [draft]).problems(draft)


def batch_problems(session: Session, drafts: Sequence[AssetDraft]) -> list[list[AssetProblem]]:
    """The problems of each draft, saved as a whole: parents may be other drafts (new or
    moved), loops may run through several drafts, and modules moved with their server are
    not stranded. Reads only; a few queries per ``CHUNK`` drafts plus the parent chains walked."""
    with session.no_autoflush:
        batch = _Batch(session, drafts)
        return [batch.problems(draft) for draft in drafts]


Node = Asset | AssetDraft  # a saved asset as stored, or a draft


class _Batch:
    """The assets as they would be once the drafts are saved; every other asset as stored."""

    def __init__(self, session: Session, drafts: Sequence[AssetDraft]) -> None:
        self.drafts = drafts
        self.by_record = {id(draft.record): draft for draft in drafts if draft.record is not None}
        self.by_id = {draft.record.id: draft for draft in drafts if draft.record is not None and draft.record.id}
        self.by_serial = {draft.serial_number: draft for draft in drafts}
        serials = sorted({draft.serial_number for draft in drafts if draft.serial_number})
        self.taken: dict[str, list[Asset]] = {}
        for chunk in _chunks(serials):
            for saved in session.scalars(select(Asset).where(Asset.serial_number.in_(chunk))).unique():
                self.taken.setdefault(saved.serial_number, []).append(saved)
        self.children: dict[int, list[Asset]] = {}
        for chunk in _chunks(sorted(self.by_id)):
            for child in session.scalars(select(Asset).where(Asset.parent_id.in_(chunk))).unique():
                self.children.setdefault(child.parent_id, []).append(child)

    def node(self, asset: Node) -> Node:
        """The draft of a saved asset if the batch changes it, else the asset itself."""
        if isinstance(asset, AssetDraft):
            return asset
        draft = self.by_record.get(id(asset))
        if draft is None and asset.id is not None:
            draft = self.by_id.get(asset.id)
        return draft if draft is not None else asset

    def parent(self, node: Node) -> Node | None:
        if isinstance(node, Asset):
            return self.node(node.parent) if node.parent is not None else None
        if isinstance(node.parent, str):
            return self.by_serial.get(node.parent)
        return self.node(node.parent) if node.parent is not None else None

    def problems(self, draft: AssetDraft) -> list[AssetProblem]:
        problems: list[AssetProblem] = []
        customer, customer_id = draft.customer, draft.customer_id
        for taken in self.taken.get(draft.serial_number, []):
            if self.node(taken) is not draft:
                problems.append(
                    AssetProblem(
                        N_(
                            "Serial number %(serial)s is already registered to %(customer)s. "
                            "Each asset needs its own serial number."
                        ),
                        {"serial": draft.serial_number, "customer": str(taken.customer)},
                        rule=SERIAL_TAKEN,
                        attribute="serial_number",
                    )
                )
                break
        if draft.warranty_start and draft.warranty_end and draft.warranty_end < draft.warranty_start:
            problems.append(
                AssetProblem(
                    N_("The warranty end (%(end)s) is before the warranty start (%(start)s)."),
                    {"end": draft.warranty_end, "start": draft.warranty_start},
                    rule=WARRANTY_ORDER,
                    attribute="warranty_end",
                )
            )
        site = draft.site
        if site is not None and customer_id is not None and site.customer_id != customer_id:
            problems.append(
                AssetProblem(
                    N_("The site %(site)s belongs to %(owner)s, not to %(customer)s."),
                    {"site": str(site), "owner": str(site.customer), "customer": str(customer)},
                    rule=SITE_OWNER,
                    attribute="site",
                )
            )
        problems.extend(self._parent_problems(draft) or self._children_problems(draft))
        return problems

    def _parent_problems(self, draft: AssetDraft) -> list[AssetProblem]:
        parent = self.parent(draft)
        if parent is None:
            return []
        if parent is draft:
            return [AssetProblem(N_("An asset cannot be its own parent asset."), rule=OWN_PARENT, attribute="parent")]
        owner_id = parent.customer_id
        if draft.customer_id is not None and owner_id != draft.customer_id:
            return [
                AssetProblem(
                    N_("The parent asset %(parent)s belongs to %(owner)s; choose an asset of the same customer."),
                    {"parent": str(parent), "owner": str(parent.customer)},
                    rule=PARENT_OWNER,
                    attribute="parent",
                )
            ]
        seen: set[int] = set()
        node: Node | None = parent
        while node is not None and id(node) not in seen:  # walk up the parent chain as it would be
            if node is draft:
                return [
                    AssetProblem(
                        N_(
                            "%(parent)s is mounted in %(asset)s (directly or further down), "
                            "so it cannot also be its parent asset."
                        ),
                        {"parent": str(parent), "asset": str(draft)},
                        rule=PARENT_LOOP,
                        attribute="parent",
                    )
                ]
            seen.add(id(node))
            node = self.parent(node)
        return []

    def _children_problems(self, draft: AssetDraft) -> list[AssetProblem]:
        """Moving an asset to another customer would leave its mounted modules with the old one."""
        if draft.record is None or draft.record.id is None or draft.customer_id is None:
            return []
        stranded = 0
        for saved in self.children.get(draft.record.id, []):
            child = self.node(saved)
            if child is draft:
                continue  # its own parent: refused as such
            still_mounted = isinstance(child, Asset) or self.parent(child) is draft
            if still_mounted and child.customer_id != draft.customer_id:
                stranded += 1
        if stranded:
            problem = ngettext(
                "%(num)d asset mounted in %(asset)s belongs to another customer; "
                "move or detach it before changing this asset's customer.",
                "%(num)d assets mounted in %(asset)s belong to another customer; "
                "move or detach them before changing this asset's customer.",
                stranded,
                asset=str(draft),
            )
            return [replace(problem, rule=STRANDED_MODULES, attribute="customer")]
        return []


def _chunks(values: list) -> list[list]:
    return [values[start : start + CHUNK] for start in range(0, len(values), CHUNK)]


def check_asset(session: Session, asset: Asset) -> None:
    """Refuse an asset breaking any rule, naming every problem at once."""
    problems = asset_problems(session, asset)
    if problems:
        raise AssetRefused(problems)


def check_asset_model(session: Session, asset_model: AssetModel) -> None:
    """Brand and model are stripped; the pair is unique."""
    with session.no_autoflush:
        asset_model.brand = (asset_model.brand or "").strip()
        asset_model.model = (asset_model.model or "").strip()
        duplicate = session.scalar(
            select(AssetModel.id).where(
                AssetModel.brand == asset_model.brand,
                AssetModel.model == asset_model.model,
                AssetModel.id != (asset_model.id or 0),
            )
        )
    if duplicate is not None:
        raise AssetRefused([AssetProblem(N_("The asset model %(name)s already exists."), {"name": str(asset_model)})])


def find_asset(session: Session, serial: str, visible: ColumnElement[bool]) -> Asset | None:
    """The asset with this serial number among the ``visible`` ones (the user's scope, as a condition):
    exact match first, then ignoring case."""
    asset = session.scalars(select(Asset).where(Asset.serial_number == serial, visible)).first()
    if asset is None:
        asset = session.scalars(
            select(Asset)
            .where(func.upper(Asset.serial_number) == serial.upper(), visible)
            .order_by(Asset.serial_number)
        ).first()
    return asset
