/** Sharing stacks: export to a devarch.yml, import one or a compose project, update a stack from a changed file, clone (buttons, the preview dialogs, file drop). */
export { CloneButton, CloneDialog } from './components/CloneDialog';
export { ExportButton } from './components/ExportButton';
export { FileDropImport } from './components/FileDropImport';
export { ImportDialog } from './components/ImportDialog';
export { ImportMenu } from './components/ImportMenu';
export { UpdateDialog, UpdateFromFileButton } from './components/UpdateDialog';
export { importKindOf, stackNameFromPath } from './kinds';
