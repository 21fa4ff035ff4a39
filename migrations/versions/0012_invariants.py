"""The rules the services enforce, held by the database too: CHECK constraints on money and
dates, one figure per project, indicator and period, one open stage stay per project, and
RESTRICT instead of CASCADE on the history tables' links to projects, people and
organizations (a record with history is archived, never deleted).

Rows already breaking a rule:
- several open stays of one project (`left_at` NULL) are fixed, as 0007 did: each stay that a
  later transition of the same project followed is closed at that transition;
- every other breach (a negative amount, more disbursed than committed, a declined
  opportunity without its reason, a campaign without a goal or ending before it starts, a
  negative figure, a period ending before it starts, two figures for the same project,
  indicator and period start, a consent withdrawn before it was given, a follow-up about
  nobody) is not guessed at: the upgrade stops before changing anything and names the
  table, the rule and the ids to correct (in the application, or by hand), then
  `flask db upgrade` is run again.

Not a database rule: an exit stage (declined, withdrawn) needs a reason in the transition's
note, but whether a stage is an exit lives in `stages`, which a CHECK cannot read; the
pipeline service keeps that rule.

Revision ID: 0012_invariants
Revises: 0011_indicator_adds_up
Create Date: 2026-12-05 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_invariants'
down_revision = '0011_indicator_adds_up'
branch_labels = None
depends_on = None

# table -> [(constraint name, condition every row must meet, the rule in words)]
CHECKS = {
    'funding_opportunities': [
        ('amounts_not_negative', 'amount_requested >= 0 AND amount_committed >= 0'
         ' AND amount_disbursed >= 0', 'an amount is negative'),
        ('disbursed_within_committed', 'amount_disbursed <= amount_committed',
         'more is disbursed than committed'),
        ('declined_has_reason', "status <> 'declined' OR TRIM(decline_reason) <> ''",
         'declined without a reason'),
    ],
    'crowdfunding_campaigns': [
        ('goal_positive', 'goal > 0', 'the goal is not above zero'),
        ('figures_not_negative', 'raised >= 0 AND backers >= 0',
         'the amount raised or the backers are negative'),
        ('ends_after_start', 'ends_on >= starts_on', 'the campaign ends before it starts'),
    ],
    'campaign_updates': [
        ('figures_not_negative', 'raised >= 0 AND backers >= 0',
         'the amount raised or the backers are negative'),
    ],
    'measurements': [
        ('value_not_negative', 'value >= 0', 'the figure is negative'),
        ('period_ends_after_start', 'period_end >= period_start',
         'the period ends before it starts'),
    ],
    'consents': [
        ('withdrawn_after_given', 'withdrawn_on IS NULL OR withdrawn_on >= given_on',
         'withdrawn before it was given'),
    ],
    'follow_ups': [
        ('has_target', 'person_id IS NOT NULL OR organization_id IS NOT NULL'
         ' OR project_id IS NOT NULL', 'about no person, organization or project'),
    ],
}
# (table, column, referred table, ondelete before this revision)
HISTORY_LINKS = [
    ('stage_transitions', 'project_id', 'projects', 'CASCADE'),
    ('measurements', 'project_id', 'projects', 'CASCADE'),
    ('funding_opportunities', 'project_id', 'projects', 'CASCADE'),
    ('follow_ups', 'person_id', 'people', 'CASCADE'),
    ('follow_ups', 'organization_id', 'organizations', 'CASCADE'),
    ('follow_ups', 'project_id', 'projects', 'CASCADE'),
]
TABLES = [*CHECKS, 'stage_transitions']
MEASUREMENT_KEY = ['project_id', 'indicator_id', 'period_start']
OPEN = sa.text('left_at IS NULL')


def _breaches(conn) -> list[str]:
    found = []
    for table, checks in CHECKS.items():
        for _name, condition, rule in checks:
            ids = conn.execute(sa.text(
                f'SELECT id FROM {table} WHERE NOT ({condition}) ORDER BY id')).scalars().all()
            if ids:
                found.append(f"{table}: {rule}, ids {', '.join(map(str, ids[:20]))}"
                             f"{' ...' if len(ids) > 20 else ''}")
    doubles = conn.execute(sa.text(
        'SELECT MIN(id), MAX(id) FROM measurements GROUP BY project_id, indicator_id,'
        ' period_start HAVING COUNT(*) > 1 ORDER BY MIN(id)')).all()
    if doubles:
        found.append('measurements: two figures for the same project, indicator and period'
                     ' start, ids ' + ', '.join(f'{a} and {b}' for a, b in doubles[:20]))
    return found


def _close_stays_a_later_move_ended() -> None:
    op.execute(
        'UPDATE stage_transitions SET left_at = following.next_at'
        ' FROM (SELECT id, LEAD(at) OVER (PARTITION BY project_id ORDER BY at, id) AS next_at'
        '       FROM stage_transitions) AS following'
        ' WHERE following.id = stage_transitions.id AND stage_transitions.left_at IS NULL'
        ' AND following.next_at IS NOT NULL')


def _history_links(table: str) -> list[tuple[str, str, str, str]]:
    return [(f'fk_{t}_{column}_{referred}', column, referred, before)
            for t, column, referred, before in HISTORY_LINKS if t == table]


def upgrade():
    breaches = _breaches(op.get_bind())
    if breaches:
        raise RuntimeError(
            'Migration 0012 cannot add its rules: these rows break them. Correct them, then run'
            ' `flask db upgrade` again.\n- ' + '\n- '.join(breaches))
    _close_stays_a_later_move_ended()
    # One batch per table: on SQLite each batch copies the table once.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition, _rule in CHECKS.get(table, []):
                batch_op.create_check_constraint(batch_op.f(f'ck_{table}_{name}'),
                                                 sa.text(condition))
            for name, column, referred, _before in _history_links(table):
                batch_op.drop_constraint(batch_op.f(name), type_='foreignkey')
                batch_op.create_foreign_key(batch_op.f(name), referred, [column], ['id'],
                                            ondelete='RESTRICT')
            if table == 'measurements':
                batch_op.drop_index('ix_measurements_project_indicator_period')
                batch_op.create_unique_constraint(
                    batch_op.f('uq_measurements_project_id_indicator_id_period_start'),
                    MEASUREMENT_KEY)
            if table == 'stage_transitions':
                batch_op.create_index('uq_stage_transitions_open_stay', ['project_id'],
                                      unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'stage_transitions':
                batch_op.drop_index('uq_stage_transitions_open_stay')
            if table == 'measurements':
                batch_op.drop_constraint(
                    batch_op.f('uq_measurements_project_id_indicator_id_period_start'),
                    type_='unique')
                batch_op.create_index('ix_measurements_project_indicator_period',
                                      MEASUREMENT_KEY, unique=False)
            for name, column, referred, before in _history_links(table):
                batch_op.drop_constraint(batch_op.f(name), type_='foreignkey')
                batch_op.create_foreign_key(batch_op.f(name), referred, [column], ['id'],
                                            ondelete=before)
            for name, _condition, _rule in CHECKS.get(table, []):
                batch_op.drop_constraint(batch_op.f(f'ck_{table}_{name}'), type_='check')
