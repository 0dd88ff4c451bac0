import { useSetWire } from '../api/wires';
import type { NeedView } from '../model';

/**
 * The "choose a provider" control of a need: the instances that provide its contract. Choosing
 * one records an explicit wire (Wires.Set, the engine call behind `devarch wire set`). Used on
 * the graph's nodes, in the wires table and on the instance page, so all three behave alike.
 */
export function ProviderPicker({ stack, consumer, need, className = '' }: { stack: string; consumer: string; need: NeedView; className?: string }) {
  const setWire = useSetWire();
  const current = need.kind === 'explicit' ? need.provider : '';
  const placeholder = need.status === 'ambiguous' ? 'Choose a provider…' : need.provider ? `${need.provider} (${need.kind})` : 'Choose…';
  return (
    <select
      className={`input graph-select nodrag nopan ${className}`.trim()}
      aria-label={`Provider of ${need.contract} for ${consumer}`}
      value={current}
      disabled={setWire.isPending || need.candidates.length === 0}
      onChange={(event) => {
        const provider = event.target.value;
        if (provider) setWire.mutate({ stack, consumer, contract: need.contract, provider });
      }}
    >
      {current === '' && <option value="">{placeholder}</option>}
      {need.candidates.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}
