/** Instances: adding, removing and editing a stack's instances. */
export { AddInstanceDialog } from './components/AddInstanceDialog';
export { InstancePage } from './components/InstancePage';
export { RemoveInstanceDialog } from './components/RemoveInstanceDialog';
export { LogsDialog, LogsPanel } from './components/LogsDialog';
