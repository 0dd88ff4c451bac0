/** System: health, the status bar and the system page. */
export { healthQueryKey } from './api/getHealth';
export { StatusBar } from './components/StatusBar';
export { SystemPage } from './components/SystemPage';
export { useRefetchFailedWhenReady } from './hooks/useRefetchFailedWhenReady';
