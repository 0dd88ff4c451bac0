import { StatusDot } from '@/components/StatusDot';
import { HEALTH_TONES, type HealthItem } from '../hooks/useHealthChecks';

const STATE_TEXT: Record<HealthItem['state'], string> = {
  ok: 'OK',
  warning: 'Warning',
  error: 'Error',
  checking: 'Checking',
  unknown: 'Unknown',
};

export function HealthCheckCard({ item }: { item: HealthItem }) {
  const tone = HEALTH_TONES[item.state];
  return (
    <article className={`card check check--${tone}`} aria-labelledby={`check-${item.key}`} data-testid={`check-${item.key}`}>
      <header className="check__header">
        <h3 className="check__title" id={`check-${item.key}`}>
          <StatusDot tone={tone} />
          {item.label}
        </h3>
        <span className={`pill pill--${tone}`}>{STATE_TEXT[item.state]}</span>
      </header>
      <p className="check__summary">{item.summary}</p>
      {item.detail && <pre className="code-block">{item.detail}</pre>}
      {item.fix && item.state !== 'ok' && (
        <div className="fix">
          <p className="fix__title">How to fix</p>
          <p className="fix__text">{item.fix}</p>
        </div>
      )}
    </article>
  );
}
