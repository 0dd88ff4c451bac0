import { ConfirmDialog } from '@/components/ConfirmDialog';

/**
 * Confirms `down`: containers and network go, named volumes (the data) stay. The toolbar
 * runs it and shows its outcome under its buttons, so the dialog closes at once.
 */
export function DownStackDialog({ stack, onConfirm, onClose }: { stack: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <ConfirmDialog title={`Down ${stack}?`} confirmLabel="Down stack" busyLabel="Taking down…" onConfirm={onConfirm} onClose={onClose} testId="down-stack-dialog">
      <p className="dialog__text">Down removes containers and network; volumes keep your data.</p>
      <p className="dialog__text">Plan and apply bring {stack} back as it was.</p>
    </ConfirmDialog>
  );
}
