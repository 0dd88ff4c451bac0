import { useState } from 'react';
import { FileIcon } from '@/components/icons';
import { useToastStore } from '@/components/toast';
import { transfer } from '@/lib/backend';
import { toAppError } from '@/lib/errors';
import type { ImportKind } from '@/lib/types';
import { inDesktopWindow } from '../kinds';
import { ImportDialog } from './ImportDialog';
import '../transfer.css';

/**
 * The stacks list's import buttons: a devarch.yml, or a compose file. Each opens the native
 * Open dialog, then the preview; where the window has none (a dev build in a browser) the
 * preview dialog opens with a path field instead.
 */
export function ImportMenu() {
  const [open, setOpen] = useState<{ kind: ImportKind; path: string }>();
  const [choosing, setChoosing] = useState(false);
  const toasts = useToastStore();

  const start = async (kind: ImportKind) => {
    if (choosing) return;
    if (!inDesktopWindow()) {
      setOpen({ kind, path: '' });
      return;
    }
    setChoosing(true);
    try {
      const path = await transfer.chooseImportFile(kind);
      if (path) setOpen({ kind, path });
    } catch (raw) {
      const error = toAppError(raw);
      if (error.kind === 'unavailable' && /dialog/i.test(error.summary)) {
        setOpen({ kind, path: '' });
      } else {
        toasts.show({ tone: 'error', title: 'Could not open the file chooser', message: error.summary, detail: error.detail });
      }
    } finally {
      setChoosing(false);
    }
  };

  return (
    <span className="transfer__menu" role="group" aria-label="Import a stack">
      <button type="button" className="button" onClick={() => void start('devarch')} aria-disabled={choosing} data-testid="import-devarch">
        <FileIcon aria-hidden="true" />
        Import devarch.yml…
      </button>
      <button type="button" className="button" onClick={() => void start('compose')} aria-disabled={choosing} data-testid="import-compose">
        <FileIcon aria-hidden="true" />
        Import compose file…
      </button>
      {open && <ImportDialog kind={open.kind} path={open.path} onClose={() => setOpen(undefined)} />}
    </span>
  );
}
