import type {
  Health,
  InstanceDetail,
  InstanceState,
  PlanView,
  RunSummary,
  SecretSummary,
  StackDetail,
  StackSummary,
  TemplateSummary,
} from '@/lib/types';

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
    engine: 'default',
  },
  {
    name: 'blog',
    description: '',
    instances: 1,
    revision: 2,
    status: 'stopped',
    updatedAt: '2024-01-02T03:04:05Z',
    engine: 'default',
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
  status: 'partial',
  network: 'devarch-shop-net',
  subnet: '10.200.3.0/24',
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
      urls: [],
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
      urls: ['http://127.0.0.1:8081'],
    },
  ],
  root: '/home/me/.local/share/devarch/stacks/shop',
  rootChosen: false,
  engine: 'default',
  engineEndpoint: 'unix:///var/run/docker.sock',
  engineHealthy: true,
  engineError: '',
  movingFrom: '',
  publishAddress: '127.0.0.1',
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

/** A plan with one action of every kind. */
export const samplePlan: PlanView = {
  id: 7,
  stack: 'shop',
  revision: 5,
  text: [
    'DevArch will perform the following actions on stack shop (revision 5):',
    '',
    '  + create network devarch-shop-net',
    '      cause: network missing',
    '',
    '  + create db (devarch-shop-db)',
    '      cause: new instance',
    '',
    '  ~ update in place cache (devarch-shop-cache)',
    '      cause: stopped outside DevArch: will start',
    '',
    '  -/+ replace web (devarch-shop-web)',
    '      cause: config changed',
    '      ~ environment.APP_ENV: "production" -> "local"',
    '      ~ environment.DB_PASSWORD: (sensitive) -> (sensitive)',
    '      ~ environment.API_KEY: (none) -> (sensitive)',
    '',
    '  - remove old (devarch-shop-old)',
    '      cause: instance removed',
    '',
    'Plan: 3 to add, 1 to change, 2 to destroy.',
    '',
  ].join('\n'),
  empty: false,
  failed: false,
  summary: { add: 3, change: 1, destroy: 2 },
  actions: [
    { kind: 'create-network', symbol: '+', instance: '', container: '', network: 'devarch-shop-net', cause: 'network missing', changes: [] },
    { kind: 'create', symbol: '+', instance: 'db', container: 'devarch-shop-db', network: '', cause: 'new instance', changes: [] },
    { kind: 'update', symbol: '~', instance: 'cache', container: 'devarch-shop-cache', network: '', cause: 'stopped outside DevArch', changes: [] },
    {
      kind: 'replace',
      symbol: '-/+',
      instance: 'web',
      container: 'devarch-shop-web',
      network: '',
      cause: 'config changed',
      changes: [
        { path: 'environment.APP_ENV', old: '"production"', new: '"local"' },
        { path: 'environment.DB_PASSWORD', old: '(sensitive)', new: '(sensitive)' },
        { path: 'environment.API_KEY', old: '(none)', new: '(sensitive)' },
      ],
    },
    { kind: 'remove', symbol: '-', instance: 'old', container: 'devarch-shop-old', network: '', cause: 'instance removed', changes: [] },
  ],
  diagnostics: [],
  stopped: false,
  stoppedInstances: [],
};

export const emptyPlan: PlanView = {
  id: 8,
  stack: 'shop',
  revision: 5,
  text: 'No changes. Stack shop is up to date.\n',
  empty: true,
  failed: false,
  summary: { add: 0, change: 0, destroy: 0 },
  actions: [],
  diagnostics: [],
  stopped: false,
  stoppedInstances: [],
};

export const failedPlan: PlanView = {
  ...samplePlan,
  id: 9,
  failed: true,
  diagnostics: [
    {
      severity: 'warning',
      summary: 'host port 8080/tcp is also published by stack blog',
      detail: 'Instance web of stack blog publishes it ("8080:80") and does not hold it now, but the two cannot run at the same time: whichever starts second fails.',
      instance: 'web',
      path: 'ports',
      fix: { kind: 'edit-field', command: '' },
    },
    {
      severity: 'error',
      summary: 'secret db_password does not exist',
      detail: 'The field references it, and the stack has no secret of that name.',
      instance: 'web',
      path: 'environment.DB_PASSWORD',
      fix: { kind: 'set-secret', secret: 'db_password', command: 'devarch secret set shop db_password' },
    },
  ],
  text: 'Error: secret db_password does not exist\n  on instance web, field environment.DB_PASSWORD\n  The field references it, and the stack has no secret of that name. Set it with: devarch secret set shop db_password\n\nPlan cannot be applied: fix the error above and plan again.\n',
};

/** Two creates and the network, as a new stack plans. */
export const createPlan: PlanView = {
  id: 11,
  stack: 'shop',
  revision: 2,
  text: 'DevArch will perform the following actions on stack shop (revision 2):\n',
  empty: false,
  failed: false,
  summary: { add: 3, change: 0, destroy: 0 },
  actions: [
    { kind: 'create-network', symbol: '+', instance: '', container: '', network: 'devarch-shop-net', cause: 'new stack', changes: [] },
    { kind: 'create', symbol: '+', instance: 'cache', container: 'devarch-shop-cache', network: '', cause: 'new instance', changes: [] },
    { kind: 'create', symbol: '+', instance: 'web', container: 'devarch-shop-web', network: '', cause: 'new instance', changes: [] },
  ],
  diagnostics: [],
  stopped: false,
  stoppedInstances: [],
};

export const sampleStates: InstanceState[] = [
  { instance: 'cache', container: 'devarch-shop-cache', state: 'exited', health: '', status: 'Exited (1) 3 minutes ago' },
  { instance: 'web', container: 'devarch-shop-web', state: 'running', health: 'healthy', status: 'Up 5 minutes (healthy)' },
];

export const sampleRuns: RunSummary[] = [
  {
    id: 3,
    planId: 0,
    operation: 'stop',
    status: 'succeeded',
    startedBy: 'alice@laptop (desktop, pid 42)',
    startedAt: '2025-06-01T12:10:00Z',
    finishedAt: '2025-06-01T12:10:11Z',
    stderr: '',
  },
  {
    id: 2,
    planId: 7,
    operation: 'apply',
    status: 'failed',
    startedBy: 'alice@laptop (cli, pid 7)',
    startedAt: '2025-06-01T12:00:00Z',
    finishedAt: '2025-06-01T12:00:04Z',
    stderr: 'Container devarch-shop-web  Starting\nError response from daemon: port is already allocated',
  },
];

export const sampleSecrets: SecretSummary[] = [
  { name: 'api_key', set: true, usedBy: ['web environment.API_KEY'], updatedAt: new Date(Date.now() - 3 * 60_000).toISOString() },
  { name: 'db_password', set: false, usedBy: ['db environment.POSTGRES_PASSWORD', 'web environment.DB_PASSWORD'], updatedAt: '' },
];
