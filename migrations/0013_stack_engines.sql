-- Stacks on other container engines (docker contexts): a stack names the context it runs on
-- (NULL: the engine the docker CLI uses by default), and remembers where its containers were
-- last put (placed_on: '' the default engine, a context name, NULL nowhere DevArch knows of),
-- so that a plan after a change of context removes them from the old engine before it creates
-- them on the new one. An engine's publish address is where a remote engine's published ports
-- bind (and where the user opens them); a local engine binds to 127.0.0.1 unless set.
ALTER TABLE stacks ADD COLUMN context text
    CONSTRAINT stacks_context_name CHECK (context ~ '^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$' AND context <> 'default' AND length(context) <= 200);
ALTER TABLE stacks ADD COLUMN placed_on text;
CREATE TABLE engines (
    name text PRIMARY KEY CONSTRAINT engines_name CHECK (name ~ '^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$' AND length(name) <= 200),
    publish_address inet NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
