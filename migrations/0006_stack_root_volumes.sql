-- Where a stack's relative paths resolve, and what its named volumes are called.

-- The project root: relative bind mounts and build contexts resolve against it. NULL means
-- the stack's own folder under the data home (stacks/NAME). DevArch never deletes files there
-- that it did not write.
ALTER TABLE stacks ADD COLUMN root text CHECK (root IS NULL OR length(root) BETWEEN 1 AND 4096);

-- Named volumes are called volume_prefix || key. Stacks made before this migration keep
-- compose's project-scoped names (devarch-NAME_key), so their data stays where it is; new
-- stacks get a prefix of their own (their name when created and a random part), so a new
-- stack that reuses a deleted stack's name never mounts its volumes by accident, another
-- installation on the same engine never shares them, and a rename keeps them.
ALTER TABLE stacks ADD COLUMN volume_prefix text;
UPDATE stacks SET volume_prefix = 'devarch-' || name || '_';

CREATE FUNCTION stacks_volume_prefix() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.volume_prefix IS NULL THEN
    NEW.volume_prefix := 'devarch-' || NEW.name || '-' || substr(md5(gen_random_uuid()::text), 1, 8) || '_';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER stacks_volume_prefix BEFORE INSERT ON stacks
  FOR EACH ROW EXECUTE FUNCTION stacks_volume_prefix();
ALTER TABLE stacks ALTER COLUMN volume_prefix SET NOT NULL;
ALTER TABLE stacks ADD CONSTRAINT stacks_volume_prefix_shape CHECK (volume_prefix ~ '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$');
