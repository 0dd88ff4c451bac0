/** The graph view (issue 12, item 5): the stack's Graph tab and the instance page's wiring panel. */
export { GraphTab } from './components/GraphTab';
export { InstanceNeeds } from './components/InstanceNeeds';
export { graphQueryKey, graphQueryOptions, useSetWire, useStackGraph, useUnsetWire } from './api/wires';
export { useOperateInstance, type InstanceOperation } from './api/operateInstance';
