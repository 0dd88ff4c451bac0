-- The host ports of each cached port set as a multirange, so that a port-clash check of one
-- stack asks the database for the stacks near its ports (an indexed overlap) instead of
-- reading and decoding every stack's bindings (store.PortSets). Computed from bindings when
-- a row is written. The cache is emptied: its rows are recomputed at the next check, which
-- is what losing a row has always meant (0010).
DELETE FROM stack_port_sets;
ALTER TABLE stack_port_sets ADD COLUMN host_ports int4multirange NOT NULL DEFAULT '{}';
CREATE INDEX stack_port_sets_host_ports ON stack_port_sets USING gist (host_ports);
