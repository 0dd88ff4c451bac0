-- Which environment variables of a template get a generated secret per instance
-- (catalog FORMAT.md, generate:): a JSON object VARIABLE -> secret suffix.
ALTER TABLE templates ADD COLUMN generate jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(generate) = 'object');
