/** Secrets: a stack's secrets panel. */
export { SecretsPanel } from './components/SecretsPanel';
