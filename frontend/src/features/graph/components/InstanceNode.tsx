import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { createContext, memo, useContext, useRef } from 'react';
import { StatusDot } from '@/components/StatusDot';
import { needHandleId, PROVIDER_HANDLE, type InstanceNodeData, type NeedView } from '../model';
import { NodeMenu } from './NodeMenu';
import { ProviderPicker } from './ProviderPicker';

/** The stack the graph shows, for the controls inside nodes (kept out of node data, which stays plain values). */
export const GraphStackContext = createContext('');

export type InstanceFlowNode = Node<InstanceNodeData, 'instance'>;

const NEED_TEXT: Record<NeedView['status'], string> = {
  wired: '',
  ambiguous: 'ambiguous',
  missing: 'missing',
  'unmet-optional': 'none (optional)',
  broken: 'broken wire',
};

function NeedRow({ stack, consumer, need }: { stack: string; consumer: string; need: NeedView }) {
  return (
    <li
      className={`graph-need graph-need--${need.status}`}
      data-testid={`graph-need-${consumer}-${need.contract}`}
      data-status={need.status}
      title={need.problem ? `${need.problem}${need.fix ? `\n${need.fix}` : ''}` : undefined}
    >
      <span className="graph-need__contract">{need.contract}</span>
      {need.status === 'wired' ? (
        <span className="graph-need__provider">→ {need.provider}</span>
      ) : need.status === 'ambiguous' ? (
        <ProviderPicker stack={stack} consumer={consumer} need={need} />
      ) : (
        <span className={`graph-badge graph-badge--${need.status === 'unmet-optional' ? 'warning' : 'error'}`}>{NEED_TEXT[need.status]}</span>
      )}
      <Handle
        type="source"
        position={Position.Right}
        id={needHandleId(need.contract)}
        className="graph-handle graph-handle--need"
        aria-label={`Drag to a provider of ${need.contract}`}
      />
    </li>
  );
}

/**
 * One instance: name, live state and health, template, published ports, what it provides (its
 * left handle: drop a need here) and each need (a right handle to drag to a provider). Memoized
 * on its data: a status event re-renders this node only (data-renders counts, for the tests).
 */
export const InstanceNode = memo(function InstanceNode({ data }: NodeProps<InstanceFlowNode>) {
  const stack = useContext(GraphStackContext);
  const renders = useRef(0);
  renders.current += 1;
  return (
    <div
      className={`graph-node${data.inCycle ? ' graph-node--cycle' : ''}`}
      data-testid={`graph-node-${data.name}`}
      data-state={data.live.state}
      data-health={data.live.health}
      data-renders={renders.current}
    >
      {data.provides.length > 0 && (
        <Handle type="target" position={Position.Left} id={PROVIDER_HANDLE} className="graph-handle graph-handle--provider" />
      )}
      <div className="graph-node__head">
        <StatusDot tone={data.live.tone} />
        <span className="graph-node__name">{data.name}</span>
        <span className="graph-node__state" data-testid="graph-node-state">
          {data.live.text}
        </span>
        {stack && <NodeMenu stack={stack} name={data.name} state={data.live.state} />}
      </div>
      <div className="graph-node__sub">
        <span className="tag">{data.template}</span>
        {data.provides.length > 0 && <span className="graph-node__provides">provides {data.provides.join(', ')}</span>}
      </div>
      {data.ports.length > 0 && (
        <div className="graph-node__ports">
          {data.ports.map((p) => (
            <code key={p} className="chip">
              {p}
            </code>
          ))}
        </div>
      )}
      {data.needs.length > 0 && (
        <ul className="graph-node__needs" aria-label={`Needs of ${data.name}`}>
          {data.needs.map((need) => (
            <NeedRow key={need.contract} stack={stack} consumer={data.name} need={need} />
          ))}
        </ul>
      )}
    </div>
  );
});
