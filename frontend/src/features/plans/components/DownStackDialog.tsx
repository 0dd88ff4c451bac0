import { Dialog } from '@/components/Dialog';

/** Confirms `down`: containers and network go, named volumes (the data) stay. */
export function DownStackDialog({ stack, onConfirm, onClose }: { stack: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog
      title={`Down ${stack}?`}
      onClose={onClose}
      size="sm"
      testId="down-stack-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button type="button" className="button button--danger" onClick={onConfirm}>
            Down stack
          </button>
        </>
      }
    >
      <p className="dialog__text">Down removes containers and network; volumes keep your data.</p>
      <p className="dialog__text">Plan and apply bring {stack} back as it was.</p>
    </Dialog>
  );
}
