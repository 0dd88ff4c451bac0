-- The x- keys of the devarch.yml a stack was imported from (docs/devarch-yml.md): kept
-- and written back by export, never interpreted. A JSON object key -> value.
ALTER TABLE stacks ADD COLUMN extensions jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(extensions) = 'object');
