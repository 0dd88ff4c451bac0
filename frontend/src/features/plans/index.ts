/** Plans: the plan page, apply, the stack's operations toolbar and its history. */
export { HistoryPanel } from './components/HistoryPanel';
export { PlanPage } from './components/PlanPage';
export { StackToolbar } from './components/StackToolbar';
