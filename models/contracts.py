"""Service contracts (服务合同) and what they entitle a customer to.

An entitlement is unlimited, a number of requests, or a money balance; charges
against it are an append-only ledger, so "remaining" is always derived.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ActiveMixin, Model, TimestampMixin
from models.enums import ChargeMode, EntitlementKind, enum_column
from models.organisations import Customer
from models.sla import SLA

MONEY = Numeric(12, 2)


class Contract(ActiveMixin, TimestampMixin, Model):
    __tablename__ = "contract"
    __history__ = True
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("entitlement_requests IS NULL OR entitlement_requests >= 0", name="requests_not_negative"),
        CheckConstraint("entitlement_amount IS NULL OR entitlement_amount >= 0", name="amount_not_negative"),
        CheckConstraint("charge_per_request IS NULL OR charge_per_request >= 0", name="charge_not_negative"),
    )
    __scope__ = {"customer": "customer_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    sla_id: Mapped[int | None] = mapped_column(ForeignKey("sla.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    value: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    entitlement_kind: Mapped[EntitlementKind] = mapped_column(
        enum_column(EntitlementKind), default=EntitlementKind.UNLIMITED, server_default=EntitlementKind.UNLIMITED.name
    )
    entitlement_requests: Mapped[int | None] = mapped_column(Integer)
    entitlement_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    charge_mode: Mapped[ChargeMode | None] = mapped_column(enum_column(ChargeMode))
    charge_per_request: Mapped[Decimal | None] = mapped_column(MONEY)
    notes: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(Customer, lazy="joined")
    sla: Mapped[SLA | None] = relationship(SLA, lazy="joined")
    charges: Mapped[list[EntitlementCharge]] = relationship(back_populates="contract", order_by="EntitlementCharge.id")

    def __str__(self) -> str:
        return self.number


class EntitlementCharge(TimestampMixin, Model):
    """One use of a contract's entitlement (a request counted, or money charged). Append-only.

    A request is charged when it closes; reopening it appends a reversal (negative,
    pointing at the charge it cancels), so the ledger's sum is always what is used.
    """

    __tablename__ = "entitlement_charge"
    __table_args__ = (
        CheckConstraint(
            "(reverses_id IS NULL AND requests >= 0 AND amount >= 0)"
            " OR (reverses_id IS NOT NULL AND requests <= 0 AND amount <= 0)",
            name="charge_sign",
        ),
        UniqueConstraint("reverses_id"),
    )
    __scope__ = {"customer": "customer_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    requests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    note: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_request.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("entitlement_charge.id"))

    contract: Mapped[Contract] = relationship(back_populates="charges")
