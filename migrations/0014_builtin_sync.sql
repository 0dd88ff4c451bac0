-- The built-in templates a store last synced, by fingerprint (a hash of the binary's template
-- files). A start whose binary has the same fingerprint skips parsing and syncing them: the
-- store holds them already. Deleting a custom template clears it (a built-in of that name
-- then installs at the next start).
CREATE TABLE builtin_sync (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  fingerprint text NOT NULL,
  synced_at   timestamptz NOT NULL DEFAULT now()
);

-- Every start asks whether a plan is being applied (store.Opening); the plans table keeps
-- every plan ever made, so the question is answered by a partial index (applies has one).
CREATE INDEX plans_applying_idx ON plans (stack_id) WHERE status = 'applying';
