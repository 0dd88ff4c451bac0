/** Secrets: a stack's secrets panel, and the dialog that sets one (the plan's "Set secret" fix). */
export { SecretDialog } from './components/SecretDialog';
export { SecretsPanel } from './components/SecretsPanel';
