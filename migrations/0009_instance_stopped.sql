-- devarch stop STACK INSTANCE marks one instance stopped, devarch start STACK INSTANCE
-- running again: the plan leaves that instance's stopped container alone (it shows it as
-- stopped on purpose, not as drift). A stack-level start, stop or down clears every mark
-- of the stack (the stack's own mark then says it all), and the mark goes with the
-- instance's row when it is removed or renamed. It is not part of the stack's revision:
-- like stacks.stopped, it is what the user means the containers to be, not configuration.
ALTER TABLE instances ADD COLUMN stopped boolean NOT NULL DEFAULT false;
