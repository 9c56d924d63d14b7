"""Issue 9 §4, second pass (adversarial review): on PostgreSQL no line is inserted into or
moved into an approved or paid roll, and an approved or paid run row changes only by the
approved → paid step (so a roll cannot be set back to draft, emptied and re-approved)."""

from django.db import migrations

_LOCKED = "('approved', 'paid')"

FORWARD_SQL = [
    f"""
    CREATE OR REPLACE FUNCTION subsidies_refuse_lines_into_locked() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM new_rows n JOIN subsidies_subsidyrun r ON r.id = n.run_id
                   WHERE r.status IN {_LOCKED}) THEN
            RAISE EXCEPTION '已审核或已发放的补贴名单不能增加或移入明细(%),请以调整名单更正',
                TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE OR REPLACE FUNCTION subsidies_refuse_locked_run_update() RETURNS trigger AS $$
    DECLARE
        proposed subsidies_subsidyrun;
    BEGIN
        IF OLD.status NOT IN {_LOCKED} THEN
            RETURN NEW;
        END IF;
        proposed := NEW;
        IF OLD.status = 'approved' AND NEW.status = 'paid' THEN
            proposed.status := OLD.status;  -- the one step an approved roll may take
        END IF;
        IF proposed IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION '已审核或已发放的补贴测算不能修改(%),只能登记为已发放', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER subsidies_subsidyrun_locked_update BEFORE UPDATE ON subsidies_subsidyrun "
    "FOR EACH ROW EXECUTE FUNCTION subsidies_refuse_locked_run_update()",
]
for _table in ("subsidies_rollline", "subsidies_universityline"):
    for _event in ("INSERT", "UPDATE"):
        FORWARD_SQL.append(
            f"CREATE TRIGGER {_table}_into_locked_{_event.lower()} AFTER {_event} ON {_table} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION subsidies_refuse_lines_into_locked()")

BACKWARD_SQL = [
    *(f"DROP TRIGGER IF EXISTS {t}_into_locked_{e} ON {t}"
      for t in ("subsidies_rollline", "subsidies_universityline") for e in ("insert", "update")),
    "DROP TRIGGER IF EXISTS subsidies_subsidyrun_locked_update ON subsidies_subsidyrun",
    "DROP FUNCTION IF EXISTS subsidies_refuse_lines_into_locked()",
    "DROP FUNCTION IF EXISTS subsidies_refuse_locked_run_update()",
]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite: the model guard and the admin enforce it
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0006_initial_facts")]

    operations = [migrations.RunPython(_run(FORWARD_SQL), _run(BACKWARD_SQL))]
