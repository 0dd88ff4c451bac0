import { stackHref } from '@/app/routes';
import { ServerIcon } from '@/components/icons';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import type { StackSummary } from '@/lib/types';
import { StackStatusBadge } from './StackStatusBadge';

export function StacksTable({ stacks }: { stacks: StackSummary[] }) {
  return (
    <div className="table-wrap card">
      <table className="table" data-testid="stacks-table">
        <caption className="visually-hidden">Stacks</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Instances
            </th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {stacks.map((stack) => (
            <tr key={stack.name}>
              <th scope="row" className="table__name cell-fit cell-fit--stack">
                <a className="table__link truncate" href={stackHref(stack.name)} title={stack.name}>
                  {stack.name}
                </a>
                {stack.engine && stack.engine !== 'default' && (
                  // Part of the row's header cell, so a screen reader reads it with the name.
                  <span className="table__sub engine-label truncate" data-testid="stack-engine-label" title={`Runs on the engine of docker context ${stack.engine}`}>
                    <ServerIcon aria-hidden="true" />
                    <span className="visually-hidden">Engine </span>
                    {stack.engine}
                  </span>
                )}
              </th>
              <td className="table__description cell-fit cell-fit--description">
                {stack.description ? (
                  <span className="clamp" title={stack.description}>
                    {stack.description}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="num">{stack.instances}</td>
              <td>
                <StackStatusBadge status={stack.status} />
              </td>
              <td>
                <time dateTime={stack.updatedAt} title={formatDateTime(stack.updatedAt)}>
                  {formatRelativeTime(stack.updatedAt)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
