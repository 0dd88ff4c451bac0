import { useEffect, useState } from 'react';
import { useToastStore } from '@/components/toast';
import { OnFileDrop, OnFileDropOff } from '../../../../wailsjs/runtime/runtime';
import { baseName, importKindOf } from '../kinds';
import { ImportDialog, type ImportDialogProps } from './ImportDialog';

type DropState = Omit<ImportDialogProps, 'onClose'>;

interface WailsFlags {
  wails?: { flags?: { enableWailsDragAndDrop?: boolean } };
  runtime?: { OnFileDrop?: unknown };
}

/**
 * The desktop window's own drop handling (absolute paths from the native side) is on. Wails
 * sets the flag when the page reports ready, after the app mounted: ask at drop time.
 */
function nativeDrop(): boolean {
  return Boolean((window as unknown as WailsFlags).wails?.flags?.enableWailsDragAndDrop);
}

function hasRuntimeDrop(): boolean {
  return typeof (window as unknown as WailsFlags).runtime?.OnFileDrop === 'function';
}

/**
 * Dropping a file on the window starts the matching import: a compose.yaml or
 * docker-compose.yml the compose import, any other .yml/.yaml a devarch.yml import. The
 * desktop window gets the file's path (Wails' OnFileDrop); a browser (a dev build) gets only
 * the file: a devarch.yml is imported from its content, a compose file asks for its path
 * (its relative build contexts, env files and mounts need the folder).
 */
export function FileDropImport() {
  const [drop, setDrop] = useState<DropState>();
  const toasts = useToastStore();

  useEffect(() => {
    const refuse = (name: string) =>
      toasts.show({ tone: 'error', title: `Cannot import ${name}`, message: 'Drop a devarch.yml, compose.yaml or docker-compose.yml file.' });

    // Wails' listeners do nothing until its flag is set (never in a browser).
    const runtimeDrop = hasRuntimeDrop();
    if (runtimeDrop) {
      OnFileDrop((_x, _y, paths) => {
        const path = paths[0];
        if (!path) return;
        const kind = importKindOf(path);
        if (!kind) refuse(baseName(path));
        else setDrop({ kind, path });
      }, false);
    }

    const onDragOver = (event: DragEvent) => {
      if (!nativeDrop() && event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      if (nativeDrop()) return; // the path arrives through OnFileDrop
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      event.preventDefault();
      const kind = importKindOf(file.name);
      if (!kind) {
        refuse(file.name);
      } else if (kind === 'compose') {
        setDrop({ kind, needsPath: true });
      } else {
        void file.text().then((content) => setDrop({ kind, content, fileName: file.name }));
      }
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
      if (runtimeDrop) OnFileDropOff();
    };
  }, [toasts]);

  if (!drop) return null;
  return <ImportDialog {...drop} onClose={() => setDrop(undefined)} />;
}
