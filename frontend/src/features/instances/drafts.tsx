import { createContext, useCallback, useContext, useEffect, useId, useState, type ReactNode } from 'react';

type Report = (id: string, label: string | null) => void;

const DraftContext = createContext<Report>(() => {});

/**
 * The instance page's unsaved edits: every editor on it (a field in the form, a new variable,
 * the YAML overrides) reports whether it holds text that is not saved, under a label the
 * user knows it by. The page asks before it is left while any is unsaved.
 */
export function useDraftRegistry(): { unsaved: string[]; DraftProvider: (props: { children: ReactNode }) => ReactNode } {
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const report = useCallback<Report>((id, label) => {
    setDrafts((previous) => {
      if ((previous[id] ?? null) === label) return previous;
      const next = { ...previous };
      if (label === null) delete next[id];
      else next[id] = label;
      return next;
    });
  }, []);
  const DraftProvider = useCallback(
    ({ children }: { children: ReactNode }) => <DraftContext.Provider value={report}>{children}</DraftContext.Provider>,
    [report],
  );
  return { unsaved: [...new Set(Object.values(drafts))], DraftProvider };
}

/** Reports this editor's unsaved state (see useDraftRegistry); cleared when it unmounts. */
export function useDraftFlag(label: string, dirty: boolean): void {
  const id = useId();
  const report = useContext(DraftContext);
  useEffect(() => {
    report(id, dirty ? label : null);
    return () => report(id, null);
  }, [report, id, label, dirty]);
}
