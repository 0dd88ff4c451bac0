import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface TabDef {
  id: string;
  label: ReactNode;
  content: ReactNode;
}

interface TabsProps {
  label: string;
  tabs: TabDef[];
  initial?: string;
  /** Controlled: the active tab's id, with onActiveChange (e.g. a button elsewhere opens a tab). */
  active?: string;
  onActiveChange?: (id: string) => void;
  /**
   * Render only the active panel's content. For panels that must not outlive being hidden
   * (a revealed secret) or that should load only when shown.
   */
  unmountInactive?: boolean;
}

/**
 * ARIA tabs: arrow keys, Home and End move between tabs (roving tabindex). By default every
 * panel stays mounted (hidden when inactive), so unsaved edits survive switching tabs.
 */
export function Tabs({ label, tabs, initial, active: controlled, onActiveChange, unmountInactive = false }: TabsProps) {
  const [own, setOwn] = useState(initial ?? tabs[0]?.id);
  const active = controlled ?? own;
  const setActive = (id: string) => {
    setOwn(id);
    onActiveChange?.(id);
  };
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (index - 1 + tabs.length) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : -1;
    if (next < 0) return;
    event.preventDefault();
    setActive(tabs[next].id);
    refs.current[next]?.focus();
  };

  return (
    <div className="tabs">
      <div className="tabs__list" role="tablist" aria-label={label}>
        {tabs.map((tab, index) => (
          <button
            key={tab.id}
            ref={(element) => {
              refs.current[index] = element;
            }}
            type="button"
            role="tab"
            className="tabs__tab"
            id={`${base}-tab-${tab.id}`}
            aria-selected={tab.id === active}
            aria-controls={`${base}-panel-${tab.id}`}
            tabIndex={tab.id === active ? 0 : -1}
            data-tab={tab.id}
            onClick={() => setActive(tab.id)}
            onKeyDown={(event) => onKeyDown(event, index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          className="tabs__panel"
          role="tabpanel"
          id={`${base}-panel-${tab.id}`}
          aria-labelledby={`${base}-tab-${tab.id}`}
          hidden={tab.id !== active}
        >
          {(!unmountInactive || tab.id === active) && tab.content}
        </div>
      ))}
    </div>
  );
}
