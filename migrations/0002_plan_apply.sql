-- Plan/apply: the whole stored plan document, the applied state the next plan compares
-- against, and who holds a stack while an operation runs.

ALTER TABLE plans ADD COLUMN document jsonb;

ALTER TABLE applied_instances
  ADD COLUMN running boolean NOT NULL DEFAULT true,
  ADD COLUMN depends_on jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN secret_versions jsonb NOT NULL DEFAULT '{}';

-- Quick operations (start/stop/down) are recorded in applies without a plan.
ALTER TABLE applies ALTER COLUMN plan_id DROP NOT NULL;
ALTER TABLE applies ADD COLUMN holder text NOT NULL DEFAULT '';

CREATE INDEX applies_running_idx ON applies (stack_id) WHERE status = 'running';
