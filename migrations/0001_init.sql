-- DevArch's first schema: templates, stacks, instances (copy-on-write overrides), wires,
-- secrets (ciphertext only), plans and applies. Later migrations extend it.

-- A DNS label: lowercase letters, digits and inner hyphens (DOMAIN.md, Names).
CREATE DOMAIN dns_label AS text
  CHECK (VALUE ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(VALUE) <= 63);

-- Service templates. Built-ins are synced from the binary (builtin_version tracks the
-- shipped revision); custom ones belong to the user and are never touched by a sync.
CREATE TABLE templates (
  name            dns_label PRIMARY KEY,
  builtin         boolean NOT NULL DEFAULT false,
  builtin_version integer,
  category        text NOT NULL DEFAULT '',
  description     text NOT NULL DEFAULT '',
  -- The service definition (image, command, environment, ports, volumes, healthcheck...).
  spec            jsonb NOT NULL CHECK (jsonb_typeof(spec) = 'object'),
  -- Contracts offered (with exported values) and needed (with environment mappings).
  provides        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(provides) = 'array'),
  consumes        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(consumes) = 'array'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (builtin = (builtin_version IS NOT NULL))
);

-- Stacks. revision increases with every change to the stack or anything in it; a plan
-- records the revision it was made from and apply refuses a plan whose revision is stale.
CREATE TABLE stacks (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        dns_label NOT NULL UNIQUE,
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  revision    bigint NOT NULL DEFAULT 1 CHECK (revision > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Instances store only their overrides (the delta from the template). container_name is
-- devarch-{stack}-{instance}, kept by triggers, and unique across ALL stacks: "a-b" + "c"
-- and "a" + "b-c" would otherwise collide on the engine.
CREATE TABLE instances (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stack_id       bigint NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
  name           dns_label NOT NULL,
  template_name  dns_label NOT NULL REFERENCES templates(name) ON UPDATE CASCADE ON DELETE RESTRICT,
  overrides      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(overrides) = 'object'),
  container_name text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stack_id, name),
  CONSTRAINT instances_container_name_key UNIQUE (container_name),
  CONSTRAINT instances_container_name_length CHECK (length(container_name) <= 63)
);
CREATE INDEX instances_template_idx ON instances (template_name);

CREATE FUNCTION instances_set_container_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.container_name := 'devarch-' || (SELECT name FROM stacks WHERE id = NEW.stack_id) || '-' || NEW.name;
  RETURN NEW;
END $$;
CREATE TRIGGER instances_container_name BEFORE INSERT OR UPDATE OF name, stack_id ON instances
  FOR EACH ROW EXECUTE FUNCTION instances_set_container_name();

CREATE FUNCTION stacks_rename_containers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE instances SET container_name = 'devarch-' || NEW.name || '-' || name WHERE stack_id = NEW.id;
  RETURN NEW;
END $$;
CREATE TRIGGER stacks_rename AFTER UPDATE OF name ON stacks
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION stacks_rename_containers();

-- Explicit wires: consumer + contract -> provider, within one stack.
CREATE TABLE wires (
  stack_id    bigint NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
  consumer_id bigint NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  contract    text NOT NULL CHECK (contract ~ '^[a-z0-9][a-z0-9._-]*$'),
  provider_id bigint NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_id, contract),
  CHECK (consumer_id <> provider_id)
);

-- Master key versions. The key material lives in the OS keychain, never here.
CREATE TABLE master_keys (
  version    integer PRIMARY KEY CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- Stack-scoped secrets: AES-256-GCM ciphertext bound (AAD) to stack + name + key version.
CREATE TABLE secrets (
  stack_id    bigint NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (name ~ '^[a-z_][a-z0-9_]*$' AND length(name) <= 64),
  key_version integer NOT NULL REFERENCES master_keys(version),
  nonce       bytea NOT NULL CHECK (octet_length(nonce) = 12),
  ciphertext  bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stack_id, name)
);

-- Plans: the ordered actions computed for one stack revision.
CREATE TABLE plans (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stack_id       bigint NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
  stack_revision bigint NOT NULL,
  status         text NOT NULL DEFAULT 'planned'
                 CHECK (status IN ('planned', 'errored', 'applying', 'applied', 'failed', 'canceled', 'interrupted')),
  actions        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(actions) = 'array'),
  problems       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(problems) = 'array'),
  summary        text NOT NULL DEFAULT '',
  compose_hash   text NOT NULL DEFAULT '',
  created_by     text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plans_stack_idx ON plans (stack_id, created_at DESC);

-- Applies: one run of one plan, with per-action results.
CREATE TABLE applies (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id        bigint NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  stack_id       bigint NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
  operation      text NOT NULL DEFAULT 'apply' CHECK (operation IN ('apply', 'start', 'stop', 'down')),
  status         text NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'succeeded', 'failed', 'canceled', 'interrupted')),
  started_by     text NOT NULL DEFAULT '',
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  results        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(results) = 'array'),
  stderr_excerpt text NOT NULL DEFAULT '',
  -- The server backend that held the stack lock; a running apply whose backend is gone
  -- was interrupted (crash, kill -9) and is marked so at the next start.
  backend_pid    integer
);
CREATE INDEX applies_stack_idx ON applies (stack_id, started_at DESC);

-- What DevArch last applied per instance: the base the next plan compares against.
CREATE TABLE applied_instances (
  stack_id       bigint NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
  instance_name  text NOT NULL,
  container_name text NOT NULL,
  config_hash    text NOT NULL,
  config         jsonb NOT NULL,
  applied_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stack_id, instance_name)
);
