"""User accounts: FAB's user plus a preferred language and the outside organisation.

A single-table subclass of FAB's ``User`` (same ``ab_user`` table), so FAB's login,
roles and security screens keep working. A Vendor-role account carries ``vendor_id``,
a Customer-role account ``customer_id``; staff carry neither.
"""

from __future__ import annotations

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

import models.base  # noqa: F401  (naming convention before FAB's models are mapped)
from models.organisations import Customer, Vendor

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}  # each in its own language, as switchers show them
LANGUAGE_CODES = tuple(LANGUAGE_NAMES)


class UserAccount(User):
    __tablename__ = "ab_user"
    __table_args__ = (
        CheckConstraint("preferred_language IN ('zh', 'en')", name="preferred_language"),
        CheckConstraint("vendor_id IS NULL OR customer_id IS NULL", name="one_organisation"),
        {"extend_existing": True},
    )
    __scope__ = {"vendor": "vendor_id", "customer": "customer_id"}

    preferred_language: Mapped[str] = mapped_column(String(5), default="zh", server_default="zh")
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    vendor: Mapped[Vendor | None] = relationship(Vendor, foreign_keys=[vendor_id], lazy="joined")
    customer: Mapped[Customer | None] = relationship(Customer, foreign_keys=[customer_id], lazy="joined")

    @property
    def organisation(self) -> Vendor | Customer | None:
        return self.vendor or self.customer

    def get_full_name(self) -> str:
        """Chinese names read family name first with no space (张伟); others "David Chen"."""
        first, last = self.first_name or "", self.last_name or ""
        if _is_cjk(first) and _is_cjk(last):
            return f"{last}{first}"
        return f"{first} {last}".strip()


def _is_cjk(text: str) -> bool:
    return bool(text) and all("\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in text)
