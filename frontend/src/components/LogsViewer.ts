import { createContext, type ComponentType } from 'react';

/** What a logs viewer needs: the instance, and how to close it. */
export interface LogsViewerProps {
  stack: string;
  instance: string;
  onClose: () => void;
}

/**
 * The logs viewer that features other than instances open (the graph's node menu, a failed
 * apply): the instances feature's LogsDialog, given by the app (src/app/AppProviders), since
 * features may not depend on each other's internals. Without one, a Logs control is disabled
 * or absent, with a reason.
 */
export const LogsViewerContext = createContext<ComponentType<LogsViewerProps> | null>(null);
