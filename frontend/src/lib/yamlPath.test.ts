import { describe, expect, it } from 'vitest';
import { lineOfPath } from './yamlPath';

const TEXT = `# comment
name: web
service:
  image: nginx:1.27
  ports:
    - "8080:80"
  environment:
    APP_ENV: local
    "TZ": UTC
provides:
  - contract: http
    values: {host: x}
`;

describe('lineOfPath', () => {
  it('finds top-level and nested keys', () => {
    expect(lineOfPath(TEXT, 'name')).toBe(2);
    expect(lineOfPath(TEXT, 'service.ports')).toBe(5);
    expect(lineOfPath(TEXT, 'service.environment.APP_ENV')).toBe(8);
    expect(lineOfPath(TEXT, 'service.environment.TZ')).toBe(9);
    expect(lineOfPath(TEXT, 'provides[0].contract')).toBe(11);
  });

  it('falls back to the deepest key it found, or nothing', () => {
    expect(lineOfPath(TEXT, 'service.volumes')).toBe(3);
    expect(lineOfPath(TEXT, 'ports')).toBeUndefined();
    expect(lineOfPath('ports: 8080\n', 'ports')).toBe(1);
    expect(lineOfPath(TEXT, '')).toBeUndefined();
  });
});
