import { useContext, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { LogsViewerContext } from '@/components/LogsViewer';
import { createPortal } from 'react-dom';
import { useOperateInstance, useRunningOperation, type InstanceOperation } from '../api/operateInstance';


/** What Start and Stop can do for a container state, or why not. */
export function nodeActions(state: string, busy: boolean): { start?: string; stop?: string; logs?: string } {
  const off: Record<string, string> = {};
  if (busy) return { start: 'Working…', stop: 'Working…' };
  switch (state) {
    case 'running':
    case 'restarting':
      off.start = 'Already running';
      break;
    case 'paused':
      off.start = 'Paused: stop it, then start it';
      break;
    case 'exited':
    case 'completed': // a one-shot job that finished (exit 0)
    case 'dead':
      off.stop = 'Already stopped';
      break;
    case 'created':
      off.stop = 'Not started';
      break;
    default: // not created, unknown
      off.start = off.stop = off.logs = 'Not created yet: apply the stack first';
  }
  return off;
}

const stop = (e: { stopPropagation: () => void }) => e.stopPropagation();

interface Item {
  key: 'start' | 'stop' | 'logs';
  label: string;
  disabled?: string;
}

/**
 * The node's menu button ("Actions for NAME") and its menu: Start, Stop, Logs. Start and
 * Stop are disabled with the reason shown when they cannot apply (no container yet, already
 * running or stopped). Keyboard: Enter, Space or ArrowDown open it on the first enabled
 * item; arrows move, Escape closes it and returns to the button, Tab closes it. The menu is
 * drawn over the page (a portal), so neighbouring nodes never cover it. Only the button is
 * mounted per node; the menu's hooks run while it is open (a 100-node graph stays cheap).
 */
export function NodeMenu({ stack, name, state }: { stack: string; name: string; state: string }) {
  const [open, setOpen] = useState(false);
  const [logsOpen, setLogsOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        ref={button}
        type="button"
        className="icon-button graph-node__menu nodrag nopan"
        aria-label={`Actions for ${name}`}
        title={`Actions for ${name}`}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid={`graph-node-menu-${name}`}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
        onDoubleClick={(e) => e.stopPropagation()}
      >
        <svg width="16" height="16" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
          <circle cx="5" cy="12" r="1.8" />
          <circle cx="12" cy="12" r="1.8" />
          <circle cx="19" cy="12" r="1.8" />
        </svg>
      </button>
      {open && (
        <NodeMenuList
          stack={stack}
          name={name}
          state={state}
          button={button}
          onClose={(refocus) => {
            setOpen(false);
            if (refocus) button.current?.focus();
          }}
          onLogs={() => setLogsOpen(true)}
        />
      )}
      {logsOpen && <LogsLayer stack={stack} name={name} onClose={() => setLogsOpen(false)} />}
    </>
  );
}

/** The logs viewer over the page, for one instance. */
function LogsLayer({ stack, name, onClose }: { stack: string; name: string; onClose: () => void }) {
  const Viewer = useContext(LogsViewerContext);
  if (!Viewer) return null;
  return createPortal(
    // React events bubble through portals to the node: keep clicks (select), double
    // clicks (open the instance) and keys (Delete removes a selected wire) in here.
    <div className="node-menu__layer" onClick={stop} onDoubleClick={stop} onKeyDown={stop} onPointerDown={stop}>
      <Viewer stack={stack} instance={name} onClose={onClose} />
    </div>,
    document.body,
  );
}

function NodeMenuList({
  stack,
  name,
  state,
  button,
  onClose,
  onLogs,
}: {
  stack: string;
  name: string;
  state: string;
  button: React.RefObject<HTMLButtonElement | null>;
  onClose: (refocus: boolean) => void;
  onLogs: () => void;
}) {
  const [place, setPlace] = useState<{ top: number; left: number } | null>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const operate = useOperateInstance();
  const running = useRunningOperation(stack, name);
  const Viewer = useContext(LogsViewerContext);
  const off = nodeActions(state, running !== undefined);
  const items: Item[] = [
    { key: 'start', label: running === 'start' ? 'Starting…' : 'Start', disabled: off.start },
    { key: 'stop', label: running === 'stop' ? 'Stopping…' : 'Stop', disabled: off.stop },
    { key: 'logs', label: 'Logs', disabled: off.logs ?? (Viewer ? undefined : 'No logs viewer here') },
  ];
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useLayoutEffect(() => {
    if (!button.current) return;
    const r = button.current.getBoundingClientRect();
    const width = 240;
    // Below the button, or above it when the window ends first (a node low in the view):
    // a menu drawn past the window's edge cannot be reached.
    const height = menu.current?.offsetHeight || 150;
    const below = r.bottom + 4;
    const top = below + height <= window.innerHeight - 8 ? below : Math.max(8, r.top - 4 - height);
    setPlace({ top, left: Math.max(8, Math.min(r.right - width, window.innerWidth - width - 8)) });
  }, [button]);

  useEffect(() => {
    if (!place) return;
    const first = menu.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? menu.current?.querySelector<HTMLElement>('[role="menuitem"]');
    first?.focus();
    const onDown = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) onCloseRef.current(false);
    };
    // The menu is placed once: a zoom, a scroll or a resize that moves the node closes it.
    const onMove = () => onCloseRef.current(false);
    document.addEventListener('pointerdown', onDown, true);
    document.addEventListener('wheel', onMove, { capture: true, passive: true });
    document.addEventListener('scroll', onMove, true);
    window.addEventListener('resize', onMove);
    return () => {
      document.removeEventListener('pointerdown', onDown, true);
      document.removeEventListener('wheel', onMove, { capture: true });
      document.removeEventListener('scroll', onMove, true);
      window.removeEventListener('resize', onMove);
    };
  }, [place, button]);

  const close = onClose;

  const choose = (item: Item) => {
    if (item.disabled) return;
    close(true);
    if (item.key === 'logs') onLogs();
    else operate.mutate({ stack, instance: name, operation: item.key as InstanceOperation });
  };

  const onMenuKey = (e: React.KeyboardEvent) => {
    const all = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      all[(at + step + all.length) % all.length]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      (e.key === 'Home' ? all[0] : all[all.length - 1])?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') {
      close(false);
    }
  };

  if (!place) return null;
  return createPortal(
    <div
      ref={menu}
      id={menuId}
      role="menu"
      aria-label={`Actions for ${name}`}
      className="node-menu"
      style={{ top: place.top, left: place.left }}
      data-testid={`graph-node-menu-list-${name}`}
      onKeyDown={onMenuKey}
      onClick={stop}
      onDoubleClick={stop}
      onPointerDown={stop}
    >
      {items.map((item) => (
        <div
          key={item.key}
          role="menuitem"
          tabIndex={-1}
          aria-disabled={item.disabled ? true : undefined}
          aria-describedby={item.disabled ? `${menuId}-${item.key}` : undefined}
          className="node-menu__item"
          data-testid={`node-menu-${item.key}`}
          onClick={() => choose(item)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              choose(item);
            }
          }}
        >
          <span className="node-menu__label">{item.label}</span>
          {item.disabled && (
            <span className="node-menu__reason" id={`${menuId}-${item.key}`}>
              {item.disabled}
            </span>
          )}
        </div>
      ))}
    </div>,
    document.body,
  );
}
