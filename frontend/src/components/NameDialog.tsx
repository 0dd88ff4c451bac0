import type { ReactNode } from 'react';
import { useState } from 'react';
import type { AppError } from '@/lib/errors';
import { nameHint } from '@/lib/names';
import { Callout } from './Callout';
import { Dialog, DialogCancel } from './Dialog';
import { NameField } from './NameField';

export interface NameDialogProps {
  title: string;
  description?: ReactNode;
  /** The field's label ("New name"). */
  label: string;
  /** The name the field starts with; submitting it unchanged just closes (unless allowSame). */
  initial: string;
  /** Longest name the backend accepts, for the hint. */
  maxLength?: number;
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  /** The backend's refusal of the name itself: shown at the field. */
  error?: AppError;
  /** A refusal that is not about the name (the stack is busy, still has containers): shown below it. */
  refused?: AppError;
  refusedTestId?: string;
  /** Called when the user edits the name: clear the previous error. */
  onEdit: () => void;
  onSubmit: (name: string) => void;
  onClose: () => void;
  /** Whether submitting the initial name unchanged is a real request (clone: yes, rename: no). */
  allowSame?: boolean;
  /** Ask before an edited name is thrown away (clone: a name worth keeping; rename: no). */
  askBeforeDiscard?: boolean;
  testId?: string;
}

/**
 * NameDialog is the one "ask for a name" dialog (rename a stack, clone a template): one
 * field with the naming rule as its hint, the backend's refusal of the name at the field,
 * any other refusal below it, and (askBeforeDiscard) a question before an edited name is
 * thrown away.
 */
export function NameDialog(props: NameDialogProps) {
  const [name, setName] = useState(props.initial);
  const hint = nameHint(name, props.maxLength);
  const submit = () => {
    if (props.busy) return;
    if (name === props.initial && !props.allowSame) {
      props.onClose();
      return;
    }
    props.onSubmit(name);
  };
  return (
    <Dialog
      title={props.title}
      description={props.description}
      onClose={props.onClose}
      onSubmit={submit}
      busy={props.busy}
      dirty={Boolean(props.askBeforeDiscard) && name !== props.initial}
      discardText="The name you typed is not saved."
      size="sm"
      testId={props.testId}
      footer={
        <>
          <DialogCancel />
          <button type="submit" className="button button--primary" aria-disabled={props.busy}>
            {props.busy ? props.busyLabel : props.submitLabel}
          </button>
        </>
      }
    >
      <NameField
        label={props.label}
        value={name}
        onChange={(value) => {
          setName(value);
          props.onEdit();
        }}
        hint={hint}
        error={props.error}
      />
      {props.refused && (
        <Callout tone="warning" title={props.refused.summary} testId={props.refusedTestId} role="alert">
          {props.refused.detail && <p className="callout__text">{props.refused.detail}</p>}
        </Callout>
      )}
    </Dialog>
  );
}
