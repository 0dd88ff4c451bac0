-- What an apply really did, instance by instance, and what the user meant the stack to be.

-- Why the last apply of this configuration failed for this instance ('' when it succeeded):
-- the next plan finishes the job instead of calling the result up to date.
ALTER TABLE applied_instances ADD COLUMN failed text NOT NULL DEFAULT '';

-- devarch stop marks a stack stopped, devarch start running again: the plan of a stopped
-- stack leaves its stopped containers alone and creates new ones without starting them.
ALTER TABLE stacks ADD COLUMN stopped boolean NOT NULL DEFAULT false;
