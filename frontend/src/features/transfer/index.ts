/** Sharing stacks: export to a devarch.yml, import one or a compose project (buttons, the preview dialog, file drop). */
export { CloneButton, CloneDialog } from './components/CloneDialog';
export { ExportButton } from './components/ExportButton';
export { FileDropImport } from './components/FileDropImport';
export { ImportDialog } from './components/ImportDialog';
export { ImportMenu } from './components/ImportMenu';
export { importKindOf, stackNameFromPath } from './kinds';
