"""index the period columns the vendor scorecards filter by

Revision ID: 0006_period_indexes
Revises: 0005_sla_escalation
Create Date: 2026-11-23

Work orders received (created_at) and completed (submitted_at) in a period, expenses incurred in it
(bench/vendor_scorecard.py measured the reports without them).

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0006_period_indexes"
down_revision = "0005_sla_escalation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_work_order_created_at", "work_order", ["created_at"], unique=False)
    op.create_index(op.f("ix_work_order_submitted_at"), "work_order", ["submitted_at"], unique=False)
    op.create_index(op.f("ix_expense_incurred_on"), "expense", ["incurred_on"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_expense_incurred_on"), table_name="expense")
    op.drop_index(op.f("ix_work_order_submitted_at"), table_name="work_order")
    op.drop_index("ix_work_order_created_at", table_name="work_order")
