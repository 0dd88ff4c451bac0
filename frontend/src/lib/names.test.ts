import { describe, expect, it } from 'vitest';
import { maxInstanceName, nameHint, SECRET_NAME_PATTERN, secretNameHint, uniqueName } from './names';

describe('nameHint', () => {
  it('states the rule for an empty or valid name', () => {
    expect(nameHint('', 53)).toEqual({ text: 'Lowercase letters, digits and hyphens, at most 53 characters.', warning: false });
    expect(nameHint('shop-1', 53)).toEqual({
      text: 'Lowercase letters, digits and hyphens, at most 53 characters (6/53).',
      warning: false,
    });
  });

  it('says which part of the rule a name breaks', () => {
    expect(nameHint('Shop', 53)).toMatchObject({ warning: true, text: expect.stringContaining('lowercase') });
    expect(nameHint('my_shop', 53)).toMatchObject({ warning: true, text: expect.stringContaining('Only lowercase') });
    expect(nameHint('-shop', 53)).toMatchObject({ warning: true, text: 'Start and end with a letter or a digit.' });
    expect(nameHint('a'.repeat(54), 53)).toMatchObject({ warning: true, text: '54 characters: the limit is 53.' });
  });
});

describe('names', () => {
  it('leaves room for the instance in the container name', () => {
    expect(maxInstanceName('shop')).toBe(50);
    expect(maxInstanceName('a'.repeat(53))).toBe(1);
  });

  it('finds a free name', () => {
    expect(uniqueName('redis', [])).toBe('redis');
    expect(uniqueName('redis', ['redis', 'redis-2'])).toBe('redis-3');
  });
});

describe('secretNameHint', () => {
  it('follows the backend rule: lower case, digits, underscores, not a leading digit, 64 at most', () => {
    expect(secretNameHint('').warning).toBe(false);
    expect(secretNameHint('db_password')).toEqual({ text: 'Referenced as ${secret:db_password}.', warning: false });
    expect(secretNameHint('_x1').warning).toBe(false);
    expect(secretNameHint('DB').text).toMatch(/lower-case letters only/);
    expect(secretNameHint('db-password').text).toMatch(/underscores instead of hyphens/);
    expect(secretNameHint('db.password').text).toMatch(/Only lower-case letters/);
    expect(secretNameHint('1db').text).toMatch(/not a digit/);
    expect(secretNameHint('a'.repeat(65)).text).toMatch(/65 characters: the limit is 64/);
    for (const name of ['db_password', '_x', 'a'.repeat(64)]) expect(SECRET_NAME_PATTERN.test(name)).toBe(true);
    for (const name of ['', '1a', 'A', 'a-b', 'a'.repeat(65)]) expect(SECRET_NAME_PATTERN.test(name)).toBe(false);
  });
});
