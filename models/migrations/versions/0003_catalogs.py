"""catalogs: reference data, customers, assets, calendars, SLAs, contracts, support, stock, history

Revision ID: 0003_catalogs
Revises: 0002_index_active_flags
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_catalogs"
down_revision = '0002_index_active_flags'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('asset_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand', sa.String(length=100), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_model')),
    sa.UniqueConstraint('brand', 'model', name=op.f('uq_asset_model_brand_model'))
    )
    with op.batch_alter_table('asset_model', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_model_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_model_brand'), ['brand'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_model_category'), ['category'], unique=False)

    op.create_table('business_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), server_default='Asia/Shanghai', nullable=False),
    sa.Column('weekly_hours', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_calendar')),
    sa.UniqueConstraint('name', name=op.f('uq_business_calendar_name'))
    )
    with op.batch_alter_table('business_calendar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_calendar_active'), ['active'], unique=False)

    op.create_table('priority_cell',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('impact', sa.Integer(), nullable=False),
    sa.Column('urgency', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Enum('P1', 'P2', 'P3', 'P4', name='priority', native_enum=False, length=24), nullable=False),
    sa.CheckConstraint('impact BETWEEN 1 AND 4', name=op.f('ck_priority_cell_impact_range')),
    sa.CheckConstraint('urgency BETWEEN 1 AND 4', name=op.f('ck_priority_cell_urgency_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_cell')),
    sa.UniqueConstraint('impact', 'urgency', name=op.f('uq_priority_cell_impact_urgency'))
    )
    op.create_table('region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region')),
    sa.UniqueConstraint('code', name=op.f('uq_region_code'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_active'), ['active'], unique=False)

    op.create_table('skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill')),
    sa.UniqueConstraint('code', name=op.f('uq_skill_code'))
    )
    with op.batch_alter_table('skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_active'), ['active'], unique=False)

    op.create_table('spare_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_number', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), server_default='个', nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False),
    sa.Column('safety_stock', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reorder_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.Column('serialized', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('returnable', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('safety_stock >= 0 AND reorder_quantity >= 0', name=op.f('ck_spare_part_quantities_not_negative')),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_spare_part_unit_cost_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spare_part')),
    sa.UniqueConstraint('part_number', name=op.f('uq_spare_part_part_number'))
    )
    with op.batch_alter_table('spare_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spare_part_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_spare_part_name'), ['name'], unique=False)

    op.create_table('calendar_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('HOLIDAY', 'MAKEUP_WORKDAY', name='calendardaykind', native_enum=False, length=24), nullable=False),
    sa.Column('borrowed_weekday', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("(kind = 'MAKEUP_WORKDAY' AND borrowed_weekday BETWEEN 0 AND 6) OR (kind = 'HOLIDAY' AND borrowed_weekday IS NULL)", name=op.f('ck_calendar_day_borrowed_weekday_for_makeup_only')),
    sa.ForeignKeyConstraint(['calendar_id'], ['business_calendar.id'], name=op.f('fk_calendar_day_calendar_id_business_calendar')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_day')),
    sa.UniqueConstraint('calendar_id', 'day', name=op.f('uq_calendar_day_calendar_id_day'))
    )
    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_day_calendar_id'), ['calendar_id'], unique=False)

    op.create_table('change_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=100), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['ab_user.id'], name=op.f('fk_change_log_actor_id_ab_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_change_log_entity', ['entity', 'entity_id', 'changed_at'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('job_title', sa.String(length=100), nullable=True),
    sa.Column('preferred_language', sa.String(length=5), server_default='zh', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_contact_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact')),
    sa.UniqueConstraint('customer_id', 'email', name=op.f('uq_contact_customer_id_email'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_phone'), ['phone'], unique=False)

    op.create_table('sla',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('EXTERNAL', 'INTERNAL', name='slakind', native_enum=False, length=24), server_default='EXTERNAL', nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('pause_statuses', sa.JSON(), nullable=False),
    sa.Column('scope_tiers', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['business_calendar.id'], name=op.f('fk_sla_calendar_id_business_calendar')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla')),
    sa.UniqueConstraint('name', name=op.f('uq_sla_name'))
    )
    with op.batch_alter_table('sla', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_sla_calendar_id'), ['calendar_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sla_kind'), ['kind'], unique=False)

    op.create_table('spare_part_asset_model',
    sa.Column('spare_part_id', sa.Integer(), nullable=False),
    sa.Column('asset_model_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['asset_model_id'], ['asset_model.id'], name=op.f('fk_spare_part_asset_model_asset_model_id_asset_model')),
    sa.ForeignKeyConstraint(['spare_part_id'], ['spare_part.id'], name=op.f('fk_spare_part_asset_model_spare_part_id_spare_part'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('spare_part_id', 'asset_model_id', name=op.f('pk_spare_part_asset_model'))
    )
    op.create_table('support_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('tier', sa.Enum('L1', 'L2', 'L3', name='supporttier', native_enum=False, length=24), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['ab_user.id'], name=op.f('fk_support_group_lead_id_ab_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_group')),
    sa.UniqueConstraint('name', name=op.f('uq_support_group_name'))
    )
    with op.batch_alter_table('support_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_group_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_group_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_group_tier'), ['tier'], unique=False)

    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('sla_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False),
    sa.Column('entitlement_kind', sa.Enum('UNLIMITED', 'REQUESTS', 'MONEY', name='entitlementkind', native_enum=False, length=24), server_default='UNLIMITED', nullable=False),
    sa.Column('entitlement_requests', sa.Integer(), nullable=True),
    sa.Column('entitlement_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('charge_mode', sa.Enum('PER_REQUEST', 'TIME_AND_MATERIAL', name='chargemode', native_enum=False, length=24), nullable=True),
    sa.Column('charge_per_request', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('charge_per_request IS NULL OR charge_per_request >= 0', name=op.f('ck_contract_charge_not_negative')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_contract_end_after_start')),
    sa.CheckConstraint('entitlement_amount IS NULL OR entitlement_amount >= 0', name=op.f('ck_contract_amount_not_negative')),
    sa.CheckConstraint('entitlement_requests IS NULL OR entitlement_requests >= 0', name=op.f('ck_contract_requests_not_negative')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_contract_value_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_contract_customer_id_customer')),
    sa.ForeignKeyConstraint(['sla_id'], ['sla.id'], name=op.f('fk_contract_sla_id_sla')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('number', name=op.f('uq_contract_number'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_sla_id'), ['sla_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_start_date'), ['start_date'], unique=False)

    op.create_table('engineer_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('support_group_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('calendar_id', sa.Integer(), nullable=True),
    sa.Column('hourly_cost', sa.Numeric(precision=10, scale=2), server_default='0', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('hourly_cost >= 0', name=op.f('ck_engineer_profile_hourly_cost_not_negative')),
    sa.ForeignKeyConstraint(['calendar_id'], ['business_calendar.id'], name=op.f('fk_engineer_profile_calendar_id_business_calendar')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_engineer_profile_region_id_region')),
    sa.ForeignKeyConstraint(['support_group_id'], ['support_group.id'], name=op.f('fk_engineer_profile_support_group_id_support_group')),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_engineer_profile_user_id_ab_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engineer_profile')),
    sa.UniqueConstraint('user_id', name=op.f('uq_engineer_profile_user_id'))
    )
    with op.batch_alter_table('engineer_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engineer_profile_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_engineer_profile_calendar_id'), ['calendar_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_engineer_profile_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_engineer_profile_support_group_id'), ['support_group_id'], unique=False)

    op.create_table('service_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('standard_description', sa.Text(), nullable=True),
    sa.Column('standard_solution', sa.Text(), nullable=True),
    sa.Column('default_impact', sa.Integer(), server_default='3', nullable=False),
    sa.Column('default_urgency', sa.Integer(), server_default='3', nullable=False),
    sa.Column('required_skill_id', sa.Integer(), nullable=True),
    sa.Column('default_support_group_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('default_impact BETWEEN 1 AND 4', name=op.f('ck_service_category_default_impact_range')),
    sa.CheckConstraint('default_urgency BETWEEN 1 AND 4', name=op.f('ck_service_category_default_urgency_range')),
    sa.ForeignKeyConstraint(['default_support_group_id'], ['support_group.id'], name=op.f('fk_service_category_default_support_group_id_support_group')),
    sa.ForeignKeyConstraint(['parent_id'], ['service_category.id'], name=op.f('fk_service_category_parent_id_service_category')),
    sa.ForeignKeyConstraint(['required_skill_id'], ['skill.id'], name=op.f('fk_service_category_required_skill_id_skill')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_category')),
    sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_service_category_parent_id_name'))
    )
    with op.batch_alter_table('service_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_category_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_category_default_support_group_id'), ['default_support_group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_category_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_category_required_skill_id'), ['required_skill_id'], unique=False)

    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_site_contact_id_contact')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_site_customer_id_customer')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_site_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site')),
    sa.UniqueConstraint('customer_id', 'name', name=op.f('uq_site_customer_id_name'))
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_region_id'), ['region_id'], unique=False)

    op.create_table('sla_asset_model',
    sa.Column('sla_id', sa.Integer(), nullable=False),
    sa.Column('asset_model_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['asset_model_id'], ['asset_model.id'], name=op.f('fk_sla_asset_model_asset_model_id_asset_model')),
    sa.ForeignKeyConstraint(['sla_id'], ['sla.id'], name=op.f('fk_sla_asset_model_sla_id_sla'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sla_id', 'asset_model_id', name=op.f('pk_sla_asset_model'))
    )
    op.create_table('sla_customer',
    sa.Column('sla_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_sla_customer_customer_id_customer')),
    sa.ForeignKeyConstraint(['sla_id'], ['sla.id'], name=op.f('fk_sla_customer_sla_id_sla'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sla_id', 'customer_id', name=op.f('pk_sla_customer'))
    )
    op.create_table('sla_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sla_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Enum('P1', 'P2', 'P3', 'P4', name='priority', native_enum=False, length=24), nullable=False),
    sa.Column('response_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('resolution_minutes >= response_minutes', name=op.f('ck_sla_target_resolution_after_response')),
    sa.CheckConstraint('response_minutes > 0', name=op.f('ck_sla_target_response_positive')),
    sa.ForeignKeyConstraint(['sla_id'], ['sla.id'], name=op.f('fk_sla_target_sla_id_sla')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_target')),
    sa.UniqueConstraint('sla_id', 'priority', name=op.f('uq_sla_target_sla_id_priority'))
    )
    with op.batch_alter_table('sla_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_target_sla_id'), ['sla_id'], unique=False)

    op.create_table('support_group_member',
    sa.Column('support_group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['support_group_id'], ['support_group.id'], name=op.f('fk_support_group_member_support_group_id_support_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], name=op.f('fk_support_group_member_user_id_ab_user')),
    sa.PrimaryKeyConstraint('support_group_id', 'user_id', name=op.f('pk_support_group_member'))
    )
    op.create_table('support_group_region',
    sa.Column('support_group_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_support_group_region_region_id_region')),
    sa.ForeignKeyConstraint(['support_group_id'], ['support_group.id'], name=op.f('fk_support_group_region_support_group_id_support_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('support_group_id', 'region_id', name=op.f('pk_support_group_region'))
    )
    op.create_table('support_group_skill',
    sa.Column('support_group_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_support_group_skill_skill_id_skill')),
    sa.ForeignKeyConstraint(['support_group_id'], ['support_group.id'], name=op.f('fk_support_group_skill_support_group_id_support_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('support_group_id', 'skill_id', name=op.f('pk_support_group_skill'))
    )
    op.create_table('asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial_number', sa.String(length=100), nullable=False),
    sa.Column('asset_model_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('install_date', sa.Date(), nullable=True),
    sa.Column('warranty_start', sa.Date(), nullable=True),
    sa.Column('warranty_end', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('IN_SERVICE', 'IN_REPAIR', 'IN_STOCK', 'RETIRED', name='assetstatus', native_enum=False, length=24), server_default='IN_SERVICE', nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_asset_not_own_parent')),
    sa.CheckConstraint('warranty_end IS NULL OR warranty_start IS NULL OR warranty_end >= warranty_start', name=op.f('ck_asset_warranty_end_after_start')),
    sa.ForeignKeyConstraint(['asset_model_id'], ['asset_model.id'], name=op.f('fk_asset_asset_model_id_asset_model')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_asset_customer_id_customer')),
    sa.ForeignKeyConstraint(['parent_id'], ['asset.id'], name=op.f('fk_asset_parent_id_asset')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_asset_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset')),
    sa.UniqueConstraint('serial_number', name=op.f('uq_asset_serial_number'))
    )
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_asset_model_id'), ['asset_model_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_asset_warranty_end'), ['warranty_end'], unique=False)

    op.create_table('engineer_skill',
    sa.Column('engineer_profile_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engineer_profile_id'], ['engineer_profile.id'], name=op.f('fk_engineer_skill_engineer_profile_id_engineer_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_engineer_skill_skill_id_skill')),
    sa.PrimaryKeyConstraint('engineer_profile_id', 'skill_id', name=op.f('pk_engineer_skill'))
    )
    op.create_table('entitlement_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('requests', sa.Integer(), server_default='0', nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('requests >= 0 AND amount >= 0', name=op.f('ck_entitlement_charge_charge_not_negative')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_entitlement_charge_contract_id_contract')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_entitlement_charge_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlement_charge'))
    )
    with op.batch_alter_table('entitlement_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entitlement_charge_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entitlement_charge_customer_id'), ['customer_id'], unique=False)

    op.create_table('sla_category',
    sa.Column('sla_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['service_category.id'], name=op.f('fk_sla_category_category_id_service_category')),
    sa.ForeignKeyConstraint(['sla_id'], ['sla.id'], name=op.f('fk_sla_category_sla_id_sla'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sla_id', 'category_id', name=op.f('pk_sla_category'))
    )
    op.create_table('vendor_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('job_title', sa.String(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_vendor_contact_vendor_id_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_contact'))
    )
    with op.batch_alter_table('vendor_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendor_contact_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_vendor_contact_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('vendor_region',
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_vendor_region_region_id_region')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_vendor_region_vendor_id_vendor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vendor_id', 'region_id', name=op.f('pk_vendor_region'))
    )
    op.create_table('vendor_skill',
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_vendor_skill_skill_id_skill')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_vendor_skill_vendor_id_vendor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vendor_id', 'skill_id', name=op.f('pk_vendor_skill'))
    )
    op.create_table('warehouse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('CENTRAL', 'REGIONAL', 'VAN', 'VENDOR', name='warehousekind', native_enum=False, length=24), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("kind <> 'VAN' OR owner_user_id IS NOT NULL", name=op.f('ck_warehouse_van_has_engineer')),
    sa.CheckConstraint("kind <> 'VENDOR' OR vendor_id IS NOT NULL", name=op.f('ck_warehouse_vendor_held_has_vendor')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['ab_user.id'], name=op.f('fk_warehouse_owner_user_id_ab_user')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_warehouse_region_id_region')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_warehouse_vendor_id_vendor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouse')),
    sa.UniqueConstraint('code', name=op.f('uq_warehouse_code'))
    )
    with op.batch_alter_table('warehouse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warehouse_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_warehouse_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_warehouse_owner_user_id'), ['owner_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warehouse_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warehouse_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('stock_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('spare_part_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('on_hand', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('on_hand >= 0', name=op.f('ck_stock_level_on_hand_not_negative')),
    sa.ForeignKeyConstraint(['spare_part_id'], ['spare_part.id'], name=op.f('fk_stock_level_spare_part_id_spare_part')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_stock_level_vendor_id_vendor')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_stock_level_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_level')),
    sa.UniqueConstraint('warehouse_id', 'spare_part_id', name=op.f('uq_stock_level_warehouse_id_spare_part_id'))
    )
    with op.batch_alter_table('stock_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_level_spare_part_id'), ['spare_part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_level_vendor_id'), ['vendor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_level_warehouse_id'), ['warehouse_id'], unique=False)

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('industry', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('service_tier', sa.Enum('VIP', 'GOLD', 'STANDARD', name='servicetier', native_enum=False, length=24), server_default='STANDARD', nullable=False))
        batch_op.add_column(sa.Column('account_manager_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_customer_account_manager_id'), ['account_manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_service_tier'), ['service_tier'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_customer_account_manager_id_ab_user'), 'ab_user', ['account_manager_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_customer_region_id_region'), 'region', ['region_id'], ['id'])

    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ola_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_vendor_ola_id'), ['ola_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_vendor_ola_id_sla'), 'sla', ['ola_id'], ['id'])



def downgrade():
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_vendor_ola_id_sla'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_vendor_ola_id'))
        batch_op.drop_column('notes')
        batch_op.drop_column('address')
        batch_op.drop_column('phone')
        batch_op.drop_column('ola_id')

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_customer_region_id_region'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_customer_account_manager_id_ab_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_customer_service_tier'))
        batch_op.drop_index(batch_op.f('ix_customer_region_id'))
        batch_op.drop_index(batch_op.f('ix_customer_industry'))
        batch_op.drop_index(batch_op.f('ix_customer_account_manager_id'))
        batch_op.drop_column('notes')
        batch_op.drop_column('address')
        batch_op.drop_column('phone')
        batch_op.drop_column('account_manager_id')
        batch_op.drop_column('service_tier')
        batch_op.drop_column('region_id')
        batch_op.drop_column('industry')
        batch_op.drop_column('short_name')

    with op.batch_alter_table('stock_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_level_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_stock_level_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_stock_level_spare_part_id'))

    op.drop_table('stock_level')
    with op.batch_alter_table('warehouse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warehouse_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_warehouse_region_id'))
        batch_op.drop_index(batch_op.f('ix_warehouse_owner_user_id'))
        batch_op.drop_index(batch_op.f('ix_warehouse_kind'))
        batch_op.drop_index(batch_op.f('ix_warehouse_active'))

    op.drop_table('warehouse')
    op.drop_table('vendor_skill')
    op.drop_table('vendor_region')
    with op.batch_alter_table('vendor_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vendor_contact_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_vendor_contact_active'))

    op.drop_table('vendor_contact')
    op.drop_table('sla_category')
    with op.batch_alter_table('entitlement_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entitlement_charge_customer_id'))
        batch_op.drop_index(batch_op.f('ix_entitlement_charge_contract_id'))

    op.drop_table('entitlement_charge')
    op.drop_table('engineer_skill')
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_warranty_end'))
        batch_op.drop_index(batch_op.f('ix_asset_status'))
        batch_op.drop_index(batch_op.f('ix_asset_site_id'))
        batch_op.drop_index(batch_op.f('ix_asset_parent_id'))
        batch_op.drop_index(batch_op.f('ix_asset_customer_id'))
        batch_op.drop_index(batch_op.f('ix_asset_asset_model_id'))

    op.drop_table('asset')
    op.drop_table('support_group_skill')
    op.drop_table('support_group_region')
    op.drop_table('support_group_member')
    with op.batch_alter_table('sla_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_target_sla_id'))

    op.drop_table('sla_target')
    op.drop_table('sla_customer')
    op.drop_table('sla_asset_model')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_region_id'))
        batch_op.drop_index(batch_op.f('ix_site_customer_id'))
        batch_op.drop_index(batch_op.f('ix_site_contact_id'))
        batch_op.drop_index(batch_op.f('ix_site_active'))

    op.drop_table('site')
    with op.batch_alter_table('service_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_category_required_skill_id'))
        batch_op.drop_index(batch_op.f('ix_service_category_parent_id'))
        batch_op.drop_index(batch_op.f('ix_service_category_default_support_group_id'))
        batch_op.drop_index(batch_op.f('ix_service_category_active'))

    op.drop_table('service_category')
    with op.batch_alter_table('engineer_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engineer_profile_support_group_id'))
        batch_op.drop_index(batch_op.f('ix_engineer_profile_region_id'))
        batch_op.drop_index(batch_op.f('ix_engineer_profile_calendar_id'))
        batch_op.drop_index(batch_op.f('ix_engineer_profile_active'))

    op.drop_table('engineer_profile')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_start_date'))
        batch_op.drop_index(batch_op.f('ix_contract_sla_id'))
        batch_op.drop_index(batch_op.f('ix_contract_end_date'))
        batch_op.drop_index(batch_op.f('ix_contract_customer_id'))
        batch_op.drop_index(batch_op.f('ix_contract_active'))

    op.drop_table('contract')
    with op.batch_alter_table('support_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_group_tier'))
        batch_op.drop_index(batch_op.f('ix_support_group_lead_id'))
        batch_op.drop_index(batch_op.f('ix_support_group_active'))

    op.drop_table('support_group')
    op.drop_table('spare_part_asset_model')
    with op.batch_alter_table('sla', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_kind'))
        batch_op.drop_index(batch_op.f('ix_sla_calendar_id'))
        batch_op.drop_index(batch_op.f('ix_sla_active'))

    op.drop_table('sla')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_phone'))
        batch_op.drop_index(batch_op.f('ix_contact_name'))
        batch_op.drop_index(batch_op.f('ix_contact_customer_id'))
        batch_op.drop_index(batch_op.f('ix_contact_active'))

    op.drop_table('contact')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_entity')
        batch_op.drop_index(batch_op.f('ix_change_log_actor_id'))

    op.drop_table('change_log')
    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_day_calendar_id'))

    op.drop_table('calendar_day')
    with op.batch_alter_table('spare_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spare_part_name'))
        batch_op.drop_index(batch_op.f('ix_spare_part_active'))

    op.drop_table('spare_part')
    with op.batch_alter_table('skill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_active'))

    op.drop_table('skill')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_active'))

    op.drop_table('region')
    op.drop_table('priority_cell')
    with op.batch_alter_table('business_calendar', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_calendar_active'))

    op.drop_table('business_calendar')
    with op.batch_alter_table('asset_model', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_model_category'))
        batch_op.drop_index(batch_op.f('ix_asset_model_brand'))
        batch_op.drop_index(batch_op.f('ix_asset_model_active'))

    op.drop_table('asset_model')
