import type { Origin } from '@/lib/types';

const DESCRIPTIONS: Record<Origin, string> = {
  template: "The template's value",
  override: "Overridden in this instance",
  default: "DevArch's default",
  wiring: 'Set by wiring to another instance',
};

/** Where an effective value comes from. The text says it; the colour only helps. */
export function OriginBadge({ origin, className = '' }: { origin: Origin; className?: string }) {
  return (
    <span className={`origin origin--${origin} ${className}`.trim()} title={DESCRIPTIONS[origin]} data-origin={origin}>
      {origin}
    </span>
  );
}
