"""Asset rules (设备): what an asset or an asset model must be before it is saved, and the serial lookup.

An asset belongs to one customer; its site and its parent asset (the server a
module is mounted in) belong to that customer too, parents never form a loop, and
moving an asset to another customer may not strand the modules mounted in it.
Its warranty cannot end before it starts, and a serial number is registered once.

A broken rule is an ``AssetProblem``: a msgid with parameters (dates as dates, rows by
name) that views show in the user's language (``app.display.translated``; a plural one
with ``ngettext``). Nothing is flushed while checking, so a half-edited record never
reaches the database (and never trips a constraint) before it passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.domain.request_flow import N_
from models.assets import Asset, AssetModel


@dataclass(frozen=True)
class AssetProblem:
    """A rule a record breaks: ``message`` a msgid with ``%(name)s`` parameters.

    With ``plural`` (the plural msgid), ``count`` picks the form and is the message's ``%(num)d``.
    """

    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int = 1

    def __str__(self) -> str:
        """In English (the msgids), for logs and callers without a locale."""
        message = self.plural if self.plural is not None and self.count != 1 else self.message
        return message % {"num": self.count, **{key: str(value) for key, value in self.params.items()}}


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


def asset_problems(session: Session, asset: Asset) -> list[AssetProblem]:
    """Every rule the (unsaved) asset breaks; empty if it may be saved. Strips the serial number."""
    problems: list[AssetProblem] = []
    with session.no_autoflush:
        customer = asset.customer
        customer_id = customer.id if customer is not None else asset.customer_id
        if asset.serial_number:
            asset.serial_number = asset.serial_number.strip()
            taken = session.scalars(
                select(Asset).where(Asset.serial_number == asset.serial_number, Asset.id != (asset.id or 0))
            ).first()
            if taken is not None:
                problems.append(
                    AssetProblem(
                        N_(
                            "Serial number %(serial)s is already registered to %(customer)s. "
                            "Each asset needs its own serial number."
                        ),
                        {"serial": asset.serial_number, "customer": str(taken.customer)},
                    )
                )
        if asset.warranty_start and asset.warranty_end and asset.warranty_end < asset.warranty_start:
            problems.append(
                AssetProblem(
                    N_("The warranty end (%(end)s) is before the warranty start (%(start)s)."),
                    {"end": asset.warranty_end, "start": asset.warranty_start},
                )
            )
        site = asset.site
        if site is not None and customer_id is not None and site.customer_id != customer_id:
            problems.append(
                AssetProblem(
                    N_("The site %(site)s belongs to %(owner)s, not to %(customer)s."),
                    {"site": str(site), "owner": str(site.customer), "customer": str(customer)},
                )
            )
        problems.extend(_parent_problems(session, asset, customer_id))
    return problems


def _parent_problems(session: Session, asset: Asset, customer_id: int | None) -> list[AssetProblem]:
    parent = asset.parent
    if parent is None:
        return _children_problems(session, asset, customer_id)
    if parent is asset or (asset.id is not None and parent.id == asset.id):
        return [AssetProblem(N_("An asset cannot be its own parent asset."))]
    if customer_id is not None and parent.customer_id != customer_id:
        return [
            AssetProblem(
                N_("The parent asset %(parent)s belongs to %(owner)s; choose an asset of the same customer."),
                {"parent": str(parent), "owner": str(parent.customer)},
            )
        ]
    if asset.id is not None:
        seen: set[int] = set()
        node = parent
        while node is not None and node.id not in seen:  # walk up the parent chain as stored
            if node.id == asset.id:
                return [
                    AssetProblem(
                        N_(
                            "%(parent)s is mounted in %(asset)s (directly or further down), "
                            "so it cannot also be its parent asset."
                        ),
                        {"parent": str(parent), "asset": str(asset)},
                    )
                ]
            seen.add(node.id)
            node = node.parent
    return _children_problems(session, asset, customer_id)


def _children_problems(session: Session, asset: Asset, customer_id: int | None) -> list[AssetProblem]:
    """Moving an asset to another customer would leave its mounted modules with the old one."""
    if asset.id is None or customer_id is None:
        return []
    stranded = session.scalar(
        select(func.count()).select_from(Asset).where(Asset.parent_id == asset.id, Asset.customer_id != customer_id)
    )
    if stranded:
        return [
            ngettext(
                "%(num)d asset mounted in %(asset)s belongs to another customer; "
                "move or detach it before changing this asset's customer.",
                "%(num)d assets mounted in %(asset)s belong to another customer; "
                "move or detach them before changing this asset's customer.",
                stranded,
                asset=str(asset),
            )
        ]
    return []


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
