import { Fragment } from 'react';
import { OriginBadge } from '@/components/OriginBadge';
import type { EffectiveField, Origin } from '@/lib/types';
import { effectiveGroups, objectLines, valueText, type EffectiveRow } from '../fields';

const ORIGIN_ORDER: Origin[] = ['override', 'template', 'wiring', 'default'];

function Value({ row }: { row: EffectiveRow }) {
  const { value } = row;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">[] (empty)</span>;
    return (
      <span className="chips">
        {value.map((item, index) => (
          <code key={index} className="chip">
            {valueText(item)}
          </code>
        ))}
      </span>
    );
  }
  if (value !== null && typeof value === 'object') {
    return (
      <dl className="effective__object">
        {objectLines(value as Record<string, unknown>).map((line) => (
          <div key={line.key}>
            <dt>{line.key}</dt>
            <dd>{line.text}</dd>
          </div>
        ))}
      </dl>
    );
  }
  if (value === '') return <span className="muted">"" (empty)</span>;
  return <code className="effective__scalar">{valueText(value)}</code>;
}

/**
 * Every effective value of the instance with where it comes from. Keys of keyed maps are
 * listed individually, each with its own origin.
 */
export function EffectiveConfig({ fields }: { fields: EffectiveField[] }) {
  const groups = effectiveGroups(fields);
  const rows = groups.flatMap((group) => group.rows);
  const tally = ORIGIN_ORDER.map((origin) => ({ origin, count: rows.filter((row) => row.origin === origin).length })).filter(
    (entry) => entry.count > 0,
  );

  if (rows.length === 0) {
    return <p className="muted panel-empty">This instance has no effective fields.</p>;
  }

  return (
    <div className="effective" data-testid="effective-config">
      <p className="effective__tally">
        {rows.length} {rows.length === 1 ? 'value' : 'values'}:{' '}
        {tally.map((entry, index) => (
          <span key={entry.origin} className="effective__tally-item">
            {entry.count} <OriginBadge origin={entry.origin} />
            {index < tally.length - 1 ? ' ' : ''}
          </span>
        ))}
      </p>
      <table className="table table--compact effective__table">
        <caption className="visually-hidden">Effective configuration</caption>
        <colgroup>
          <col className="effective__col-field" />
          <col />
          <col className="effective__col-origin" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            <th scope="col">Origin</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => (
            <Fragment key={group.name}>
              {group.isMap && (
                <tr className="effective__group">
                  <th scope="rowgroup" colSpan={3}>
                    <span className="mono">{group.name}</span>
                    <span className="muted">
                      {' '}
                      · {group.rows.length} {group.rows.length === 1 ? 'key' : 'keys'}
                    </span>
                  </th>
                </tr>
              )}
              {group.rows.map((row) => (
                <tr
                  key={row.path}
                  className={`effective__row effective__row--${row.origin}`}
                  data-testid="effective-row"
                  data-path={row.path}
                  data-origin={row.origin}
                >
                  <th scope="row" className={`mono effective__path ${row.mapKey ? 'effective__path--key' : ''}`}>
                    {row.mapKey ?? row.path}
                  </th>
                  <td>
                    <Value row={row} />
                  </td>
                  <td>
                    <OriginBadge origin={row.origin} />
                  </td>
                </tr>
              ))}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
