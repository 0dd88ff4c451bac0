-- Every database is one installation, named by a random id. Master keys live outside the
-- database (OS keychain or key file) under names that include this id, so data homes and
-- external databases sharing one keychain never read, replace or delete each other's keys.
CREATE TABLE installation (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  id         uuid NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO installation DEFAULT VALUES;

-- Where a key version's material lives. 'legacy': only in the unscoped entry written by
-- DevArch before installation ids ("master-key-vN"), which other data homes may share: it is
-- read (and copied to a scoped entry at first use) but never replaced or deleted.
-- 'scoped': in this installation's own entry, which DevArch created and may delete.
ALTER TABLE master_keys ADD COLUMN entry text NOT NULL DEFAULT 'legacy' CHECK (entry IN ('legacy', 'scoped'));
ALTER TABLE master_keys ALTER COLUMN entry SET DEFAULT 'scoped';

-- Renames and deletes take the stack's lock like apply does, and are recorded with it.
ALTER TABLE applies DROP CONSTRAINT applies_operation_check;
ALTER TABLE applies ADD CONSTRAINT applies_operation_check
  CHECK (operation IN ('apply', 'start', 'stop', 'down', 'rename', 'delete'));
