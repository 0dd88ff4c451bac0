-- Each stack's fixed host port bindings (compose.Binding as JSON), kept for port-clash
-- checks so that checking one stack does not resolve every other stack
-- (engine.otherBindings). A row is current while its revision equals the stack's and its
-- templates_fp equals the templates' fingerprint (store.PortSets); any other row is
-- recomputed and replaced by the next check. Nothing else reads it: losing a row costs one
-- recomputation, never a wrong answer.
CREATE TABLE stack_port_sets (
  stack_id     bigint PRIMARY KEY REFERENCES stacks(id) ON DELETE CASCADE,
  revision     bigint NOT NULL,
  templates_fp text   NOT NULL,
  bindings     jsonb  NOT NULL CHECK (jsonb_typeof(bindings) = 'array')
);
