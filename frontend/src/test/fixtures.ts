import type { Health, InstanceDetail, StackDetail, StackSummary, TemplateSummary } from '@/lib/types';

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

export const sampleTemplates: TemplateSummary[] = [
  {
    name: 'postgres',
    builtin: true,
    version: 1,
    category: 'database',
    description: 'PostgreSQL 16 relational database',
    image: 'postgres:16',
    ports: [],
    provides: ['postgres'],
    consumes: [],
    usedBy: [],
  },
  {
    name: 'redis',
    builtin: true,
    version: 1,
    category: 'cache',
    description: 'Redis 7 in-memory data store',
    image: 'redis:7',
    ports: [],
    provides: ['redis'],
    consumes: [],
    usedBy: ['shop/cache'],
  },
  {
    name: 'nginx',
    builtin: true,
    version: 1,
    category: 'web',
    description: 'nginx 1.27 web server',
    image: 'nginx:1.27',
    ports: ['8080:80'],
    provides: ['http'],
    consumes: [],
    usedBy: ['shop/web'],
  },
  {
    name: 'my-api',
    builtin: false,
    version: 0,
    category: 'runtime',
    description: 'Our API server',
    image: 'ghcr.io/acme/api:2',
    ports: ['9000:9000'],
    provides: ['http'],
    consumes: [{ contract: 'postgres', required: true }],
    usedBy: ['shop/api', 'blog/api'],
  },
];

export const sampleStackDetail: StackDetail = {
  name: 'shop',
  description: 'Storefront',
  revision: 5,
  status: 'stopped',
  instances: [
    {
      name: 'cache',
      template: 'redis',
      containerName: 'devarch-shop-cache',
      image: 'redis:7',
      imageOrigin: 'template',
      ports: [],
      portsOrigin: 'template',
      overridden: [],
      status: 'not created',
    },
    {
      name: 'web',
      template: 'nginx',
      containerName: 'devarch-shop-web',
      image: 'nginx:1.27',
      imageOrigin: 'template',
      ports: ['8081:80'],
      portsOrigin: 'override',
      overridden: ['environment.APP_ENV', 'ports'],
      status: 'running',
    },
  ],
  problems: [],
};

export const sampleInstance: InstanceDetail = {
  stack: 'shop',
  name: 'web',
  template: 'nginx',
  revision: 5,
  overrides: 'environment:\n  APP_ENV: local\nports:\n  - 8081:80\n',
  fields: [
    { path: 'environment', kind: 'map', value: { APP_ENV: 'local', TZ: 'UTC' }, origin: 'template' },
    { path: 'environment.APP_ENV', kind: 'map-key', value: 'local', origin: 'override' },
    { path: 'environment.TZ', kind: 'map-key', value: 'UTC', origin: 'template' },
    { path: 'healthcheck', kind: 'object', value: { interval: '5s', test: ['CMD', 'true'] }, origin: 'template' },
    { path: 'image', kind: 'scalar', value: 'nginx:1.27', origin: 'template' },
    { path: 'ports', kind: 'list', value: ['8081:80'], origin: 'override' },
    { path: 'restart', kind: 'scalar', value: 'unless-stopped', origin: 'default' },
  ],
};
