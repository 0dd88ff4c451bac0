import { useState } from 'react';
import { Callout } from '@/components/Callout';
import { Dialog, DialogCancel } from '@/components/Dialog';
import { NameField } from '@/components/NameField';
import { useToastStore } from '@/components/toast';
import type { AppError } from '@/lib/errors';
import { useDockerContexts } from '../api/listContexts';
import { useSetStackContext } from '../api/setStackContext';

/** The word the backend takes for the default engine (Stacks.SetContext). */
export const DEFAULT_ENGINE = 'default';

/** Refusals of the context itself (an unknown or badly named context): shown at the field. */
function contextRefusal(error: AppError | null): AppError | undefined {
  if (!error) return undefined;
  if (error.field === 'context' || error.kind === 'not_found' || error.kind === 'invalid') return error;
  return undefined;
}

/**
 * Changes the engine a stack runs on: the default one or a docker context's (a remote Docker
 * host over ssh or TLS). Nothing moves until the next apply, which removes the stack's
 * containers and network from the engine they are on and creates them on the new one; its
 * named volumes stay behind. A text field with this machine's docker contexts as suggestions
 * (any name may be typed: the backend checks it against the docker CLI's store).
 */
export function EngineDialog({ stack, engine, onClose }: { stack: string; engine: string; onClose: () => void }) {
  const [value, setValue] = useState(engine);
  const setContext = useSetStackContext();
  const contexts = useDockerContexts();
  const toasts = useToastStore();
  const fieldError = contextRefusal(setContext.error);
  const refused = !fieldError && setContext.error ? setContext.error : undefined;
  const trimmed = value.trim();
  const submit = () => {
    if (setContext.isPending) return;
    const context = trimmed || DEFAULT_ENGINE;
    if (context === engine) {
      onClose();
      return;
    }
    setContext.mutate(
      { name: stack, context },
      {
        onSuccess: () => {
          toasts.show({
            tone: 'success',
            title: `${stack} now belongs on engine ${context}`,
            message: 'The next apply puts its containers there.',
            timeout: 6000,
          });
          onClose();
        },
      },
    );
  };
  return (
    <Dialog
      title={`Engine of ${stack}`}
      description={
        <>
          The Docker engine it runs on: the default one, or a docker context&apos;s (a remote host over ssh or TLS). The next apply moves its containers
          from <strong>{engine}</strong> to the new engine; named volumes stay behind.
        </>
      }
      onClose={onClose}
      onSubmit={submit}
      busy={setContext.isPending}
      size="sm"
      testId="engine-dialog"
      footer={
        <>
          <DialogCancel />
          <button type="submit" className="button button--primary" aria-disabled={setContext.isPending}>
            {setContext.isPending ? 'Saving…' : 'Save engine'}
          </button>
        </>
      }
    >
      <NameField
        label="Docker context"
        value={value}
        fieldId="context"
        placeholder={DEFAULT_ENGINE}
        list="engine-dialog-contexts"
        onChange={(next) => {
          setValue(next);
          if (setContext.error) setContext.reset();
        }}
        hint={{
          text: (
            <>
              A context from <code>docker context ls</code>; <code>{DEFAULT_ENGINE}</code> for the default engine.
            </>
          ),
          warning: false,
        }}
        error={fieldError}
      />
      <datalist id="engine-dialog-contexts" data-testid="engine-contexts">
        {(contexts.data ?? []).map((c) => (
          <option key={c.name} value={c.name}>
            {c.endpoint}
          </option>
        ))}
      </datalist>
      {refused && (
        <Callout tone="warning" title={refused.summary} testId="engine-refused" role="alert">
          {refused.detail && <p className="callout__text">{refused.detail}</p>}
        </Callout>
      )}
    </Dialog>
  );
}
