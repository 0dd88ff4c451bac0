import type { Health, StackSummary } from '@/lib/types';

export const healthyReport: Health = {
  ready: true,
  database: { name: 'database', status: 'ok', summary: 'PostgreSQL 15 is running' },
  engine: { name: 'engine', status: 'ok', summary: 'Docker 24.0 with Compose v2.40' },
};

export const engineDownReport: Health = {
  ready: true,
  database: { name: 'database', status: 'ok', summary: 'PostgreSQL 15 is running' },
  engine: {
    name: 'engine',
    status: 'error',
    summary: 'Docker is not answering',
    detail: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.',
    fix: 'Start Docker (for example `sudo systemctl start docker`), then check again.',
  },
};

export const sampleStacks: StackSummary[] = [
  {
    name: 'shop',
    description: 'Storefront with Postgres and Redis',
    instances: 3,
    revision: 7,
    status: 'running',
    updatedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  },
  {
    name: 'blog',
    description: '',
    instances: 1,
    revision: 2,
    status: 'stopped',
    updatedAt: '2024-01-02T03:04:05Z',
  },
];
