import { useId, useMemo, useRef, useState } from 'react';
import { Dialog, DialogCancel } from '@/components/Dialog';
import { ErrorState } from '@/components/ErrorState';
import { InlineError } from '@/components/Field';
import { NameField } from '@/components/NameField';
import { Spinner } from '@/components/Spinner';
import { useToastStore } from '@/components/toast';
import { type CatalogFilter, CatalogFilters, categoriesOf, EMPTY_FILTER, filterTemplates, TemplateCardBody, useTemplates } from '@/features/templates';
import { fieldError } from '@/lib/errors';
import { maxInstanceName, nameHint, uniqueName } from '@/lib/names';
import type { TemplateSummary } from '@/lib/types';
import { useAddInstance } from '../api/addInstance';

interface AddInstanceDialogProps {
  stack: string;
  /** Instance names the stack already has, so the suggested name is free. */
  taken: string[];
  onClose: () => void;
}

/** Pick a template from the catalog, name the instance, add it to the stack. */
export function AddInstanceDialog({ stack, taken, onClose }: AddInstanceDialogProps) {
  const catalog = useTemplates();
  const add = useAddInstance();
  const toasts = useToastStore();
  const [filter, setFilter] = useState<CatalogFilter>(EMPTY_FILTER);
  const [template, setTemplate] = useState<string>('');
  const [name, setName] = useState('');
  const [nameEdited, setNameEdited] = useState(false);
  const [missingTemplate, setMissingTemplate] = useState(false);
  // The instance just added: focus lands on its row when the "add your first" button is gone.
  const added = useRef<string | null>(null);
  const [hiddenRefused, setHiddenRefused] = useState(false);
  const radioName = useId();
  const max = maxInstanceName(stack);
  const hint = nameHint(name, max);

  const all = useMemo(() => catalog.data ?? [], [catalog.data]);
  const visible = useMemo(() => filterTemplates(all, filter), [all, filter]);
  const categories = useMemo(() => categoriesOf(all), [all]);
  // A search or category can hide the selected card: what is not on screen is never added.
  const hidden = template !== '' && catalog.data !== undefined && !visible.some((option) => option.name === template);
  const counts = useMemo(
    () => all.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t.category]: (acc[t.category] ?? 0) + 1 }), {}),
    [all],
  );

  const pick = (picked: TemplateSummary) => {
    setTemplate(picked.name);
    setMissingTemplate(false);
    setHiddenRefused(false);
    if (!nameEdited) setName(uniqueName(picked.name, taken));
    if (add.error) add.reset();
  };

  const submit = () => {
    if (add.isPending) return;
    if (!template) {
      setMissingTemplate(true);
      return;
    }
    if (hidden) {
      setHiddenRefused(true);
      return;
    }
    add.mutate(
      { stack, name, template },
      {
        onSuccess: (detail) => {
          added.current = detail.name;
          toasts.show({ tone: 'success', title: `Added ${detail.name}`, message: `From template ${detail.template}.`, timeout: 4000 });
          onClose();
        },
        onError: (error) => {
          if (fieldError(error, 'name', 'instance')) document.querySelector<HTMLElement>('[data-field="instance-name"]')?.focus();
        },
      },
    );
  };

  const nameError = fieldError(add.error, 'name', 'instance');
  const templateError = fieldError(add.error, 'template');

  let catalogBody;
  if (catalog.data) {
    catalogBody =
      visible.length === 0 ? (
        <div className="catalog-empty" role="status">
          {all.length === 0 ? 'The catalog is empty.' : `No templates match${filter.search ? ` “${filter.search}”` : ''}${filter.category ? ` in ${filter.category}` : ''}.`}
        </div>
      ) : (
        <div className="template-grid template-grid--picker">
          {visible.map((option) => (
            <label
              key={option.name}
              className={`template-card template-card--option ${option.name === template ? 'is-selected' : ''}`}
              data-testid={`template-option-${option.name}`}
            >
              <input
                type="radio"
                className="visually-hidden"
                name={radioName}
                value={option.name}
                aria-label={option.name}
                checked={option.name === template}
                onChange={() => pick(option)}
              />
              <TemplateCardBody template={option} headingLevel="none" />
            </label>
          ))}
        </div>
      );
  } else if (catalog.error) {
    catalogBody = (
      <ErrorState
        title="Couldn't load the template catalog"
        error={catalog.error}
        onRetry={() => void catalog.refetch()}
        retrying={catalog.isFetching}
      />
    );
  } else {
    catalogBody = (
      <div className="catalog-empty">
        <Spinner label="Loading templates" /> Loading templates…
      </div>
    );
  }

  return (
    <Dialog
      title={`Add an instance to ${stack}`}
      description="Pick a template. The instance starts as an exact copy and stores only what you change."
      onClose={onClose}
      onSubmit={submit}
      busy={add.isPending}
      dirty={nameEdited && name.trim() !== ''}
      returnFocus={() =>
        added.current ? document.querySelector<HTMLElement>(`[data-testid="instance-row-${CSS.escape(added.current)}"] a`) : null
      }
      discardText="The instance name you typed is not saved."
      size="xl"
      className="dialog--catalog"
      testId="add-instance-dialog"
      footer={
        <>
          <span className="dialog__footer-note">
            {template && hidden ? (
              <>
                <strong>{template}</strong> is hidden by the search
              </>
            ) : template ? (
              <>
                Template <strong>{template}</strong>
              </>
            ) : (
              'No template selected'
            )}
          </span>
          <DialogCancel />
          <button type="submit" className="button button--primary" aria-disabled={add.isPending}>
            {add.isPending ? 'Adding…' : 'Add instance'}
          </button>
        </>
      }
    >
      <CatalogFilters filter={filter} onChange={setFilter} categories={categories} counts={counts} total={all.length} />
      <div className="catalog-scroll">
        <fieldset className="catalog-picker">
          <legend className="visually-hidden">Template</legend>
          {catalogBody}
        </fieldset>
      </div>
      {(missingTemplate || templateError) && (
        <InlineError error={templateError ?? 'Choose a template for the instance.'} />
      )}
      {hidden && hiddenRefused && (
        <InlineError error={`${template} is hidden by the search: clear the search to add it, or pick a template that is shown.`} />
      )}
      <NameField
        label="Instance name"
        value={name}
        onChange={(value) => {
          setName(value);
          setNameEdited(true);
          if (add.error) add.reset();
        }}
        hint={{ text: `${hint.text} Container: devarch-${stack}-${name || 'NAME'}.`, warning: hint.warning }}
        error={nameError}
        placeholder={template || 'db'}
        fieldId="instance-name"
        autoFocus={false}
        className="field--inline"
      />
    </Dialog>
  );
}
