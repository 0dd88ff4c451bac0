/** Stacks: the list, one stack's data (query keys shared by the features that change a stack), live status, the compose preview, and the controls that fix a field's problem. */
export { createStack } from './api/createStack';
export { stackQueryKey, stackQueryOptions, useStack } from './api/getStack';
export { statusQueryOptions, useStackStatus } from './api/getStatus';
export { listStacksQueryOptions, stacksQueryKey } from './api/listStacks';
export { ComposePage } from './components/ComposePage';
export { DeleteStackDialog } from './components/DeleteStackDialog';
export { EngineDialog } from './components/EngineDialog';
export { CliEquivalent, FieldFixLink, StackProblemList } from './components/FixControls';
export { stateBadge } from './components/InstanceStatus';
export { RenameStackDialog } from './components/RenameStackDialog';
export { StackHeaderActions } from './components/StackHeaderActions';
export { StackEngineMeta, StackMoveNotice } from './components/StackEngine';
export { StackInstancesTable } from './components/StackInstancesTable';
export { StackLoadFallback } from './components/StackLoadFallback';
export { StacksPage } from './components/StacksPage';
export { StacksSkeleton } from './components/StacksSkeleton';
export { StackStatusBadge } from './components/StackStatusBadge';
export { useLiveStatus, LIVE_STATUS_BATCH_MS } from './hooks/useLiveStatus';
