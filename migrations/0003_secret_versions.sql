-- A secret's value version increases with every new value, so a plan can tell that a
-- container was started with an older value and must be replaced (the value itself never
-- reaches the plan).
ALTER TABLE secrets ADD COLUMN value_version integer NOT NULL DEFAULT 1 CHECK (value_version > 0);
