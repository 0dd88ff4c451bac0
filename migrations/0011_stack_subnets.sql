-- Each stack's network gets its own subnet from DevArch's pool (DEVARCH_NETWORK_POOL in
-- DEVARCH_NETWORK_SLICE slices, see backend/netpool) instead of one of Docker's ~30 default
-- pools. The subnet is chosen in the transaction that creates the stack; stacks made before
-- this migration have none (NULL) and get one at their next plan. No two stacks' subnets may
-- overlap, whatever the pool settings were when each was chosen: the exclusion constraint
-- holds that even across a change of pool or slice size.
ALTER TABLE stacks ADD COLUMN subnet cidr;
ALTER TABLE stacks ADD CONSTRAINT stacks_subnet_disjoint EXCLUDE USING gist (subnet inet_ops WITH &&);
