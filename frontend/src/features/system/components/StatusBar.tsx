import { useEffect, useId, useRef, useState } from 'react';
import { StatusDot } from '@/components/StatusDot';
import { hrefFor } from '@/app/routes';
import { useVersion } from '../api/getVersion';
import { HEALTH_TONES, useHealthChecks, type HealthItem } from '../hooks/useHealthChecks';

/** The bottom bar: database and container-engine health (polled), readiness and version. */
export function StatusBar() {
  const { items, ready, query } = useHealthChecks();
  const version = useVersion();
  return (
    <footer className="statusbar" aria-label="Status">
      <ul className="statusbar__items">
        {items.map((item) => (
          <li key={item.key}>
            <StatusBarItem item={item} />
          </li>
        ))}
        {query.data && !ready && !query.isError && (
          <li className="statusbar__note" data-testid="status-starting">
            Starting…
          </li>
        )}
      </ul>
      {version.data?.version && (
        <a className="statusbar__version" href={hrefFor('system')} title="About this build">
          DevArch {version.data.version}
        </a>
      )}
    </footer>
  );
}

function StatusBarItem({ item }: { item: HealthItem }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const needsAttention = item.state === 'error' || item.state === 'warning' || item.state === 'unknown';
  const tooltip = [item.summary, item.fix && `Fix: ${item.fix}`].filter(Boolean).join('\n');

  return (
    <div
      className="statusbar__item"
      ref={rootRef}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className={`statusbar__button statusbar__button--${item.state}`}
        // The name is the button's text, the visible label and summary then the state ("Database
        // embedded PostgreSQL ... (ok)"), no aria-label: a name that left out or interrupted the
        // visible text would not match what voice-control users read on screen (WCAG 2.5.3).
        aria-expanded={open}
        aria-controls={panelId}
        title={tooltip}
        data-testid={`status-${item.key}`}
        data-status={item.state}
        onClick={() => setOpen((value) => !value)}
      >
        <StatusDot tone={HEALTH_TONES[item.state]} />
        <span className="statusbar__label">{item.label}</span>{' '}
        <span className="statusbar__summary">{item.summary}</span>{' '}
        <span className="visually-hidden">({item.state})</span>
      </button>
      <div
        className="statusbar__panel"
        id={panelId}
        role="region"
        aria-label={`${item.label} details`}
        hidden={!open}
      >
        <p className="statusbar__panel-title">
          <StatusDot tone={HEALTH_TONES[item.state]} />
          {item.label}
          <span className={`pill pill--${HEALTH_TONES[item.state]}`}>{item.state}</span>
        </p>
        <p className="statusbar__panel-summary">{item.summary}</p>
        {item.detail && <pre className="code-block">{item.detail}</pre>}
        {item.fix && needsAttention && (
          <div className="fix">
            <p className="fix__title">How to fix</p>
            <p className="fix__text">{item.fix}</p>
          </div>
        )}
        <a className="statusbar__panel-link" href={hrefFor('system')} onClick={() => setOpen(false)}>
          All system checks
        </a>
      </div>
    </div>
  );
}
