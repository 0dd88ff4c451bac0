/** What the edge styles mean. */
export function GraphLegend() {
  const items = [
    ['explicit', 'explicit (you chose it; select and press Delete to remove)'],
    ['automatic', 'automatic (the only provider)'],
    ['pinned', 'pinned (kept from the last apply)'],
    ['ambiguous', 'ambiguous (choose a provider)'],
  ] as const;
  return (
    <ul className="graph-legend" aria-label="Legend" data-testid="graph-legend">
      {items.map(([kind, text]) => (
        <li key={kind} className="graph-legend__item">
          <svg width="36" height="10" aria-hidden="true">
            <line x1="0" y1="5" x2="36" y2="5" className={`graph-legend__line graph-edge--${kind}`} />
          </svg>
          {text}
        </li>
      ))}
      <li className="graph-legend__item graph-legend__hint">Drag from a need's dot to a provider to wire it; double-click an instance to open it.</li>
    </ul>
  );
}
