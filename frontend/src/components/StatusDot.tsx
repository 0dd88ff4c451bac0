export type DotTone = 'ok' | 'warning' | 'error' | 'neutral' | 'pending';

/** A small coloured dot. Decorative: the text next to it must say the same thing. */
export function StatusDot({ tone, className = '' }: { tone: DotTone; className?: string }) {
  return <span className={`status-dot status-dot--${tone} ${className}`.trim()} aria-hidden="true" />;
}
