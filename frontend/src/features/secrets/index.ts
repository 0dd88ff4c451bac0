/** Secrets: a stack's secrets panel, and the dialog that sets one and the generated secret a field can use (the plan's fixes). */
export { useReferenceGeneratedSecret } from './api/referenceGeneratedSecret';
export { SecretDialog } from './components/SecretDialog';
export { SecretsPanel } from './components/SecretsPanel';
