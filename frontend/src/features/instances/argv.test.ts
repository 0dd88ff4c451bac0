import { describe, expect, it } from 'vitest';
import { joinCommandLine, quoteArg, splitCommandLine, splitOffer } from './argv';

const split = (input: string) => {
  const result = splitCommandLine(input);
  if (!result.ok) throw new Error(result.error);
  return result.args;
};

describe('splitCommandLine', () => {
  it('splits on unquoted blanks, however many', () => {
    expect(split('/bin/httpd -f -p 80 -h /')).toEqual(['/bin/httpd', '-f', '-p', '80', '-h', '/']);
    expect(split('  a \t b\n\nc  ')).toEqual(['a', 'b', 'c']);
    expect(split('')).toEqual([]);
    expect(split('   ')).toEqual([]);
  });

  it('keeps single-quoted text literally, backslashes included', () => {
    expect(split(`sh -c 'echo "hi" \\n $HOME'`)).toEqual(['sh', '-c', 'echo "hi" \\n $HOME']);
    expect(split(`'it'\\''s'`)).toEqual([`it's`]);
  });

  it('honours the escapes of double quotes and keeps the other backslashes', () => {
    expect(split(`sh -c "echo \\"a b\\" \\$X \\\\ \\n"`)).toEqual(['sh', '-c', 'echo "a b" $X \\ \\n']);
    expect(split('"line\\\nnext"')).toEqual(['linenext']);
  });

  it('escapes one character outside quotes, continues lines, keeps a trailing backslash', () => {
    expect(split('a\\ b c')).toEqual(['a b', 'c']);
    expect(split('a\\\nb')).toEqual(['ab']);
    expect(split('a \\\n b')).toEqual(['a', 'b']);
    expect(split('dir\\')).toEqual(['dir\\']);
  });

  it('joins quoted and unquoted parts of one word, and keeps empty arguments', () => {
    expect(split(`--name="my app"'s'x`)).toEqual(['--name=my appsx']);
    expect(split(`a '' "" b`)).toEqual(['a', '', '', 'b']);
  });

  it('leaves shell syntax alone: no expansion, no operators', () => {
    expect(split('echo $HOME ~ *.txt | wc; true && x > y')).toEqual(['echo', '$HOME', '~', '*.txt', '|', 'wc;', 'true', '&&', 'x', '>', 'y']);
  });

  it('refuses an unclosed quote, saying where it starts', () => {
    expect(splitCommandLine(`echo 'oops`)).toEqual({ ok: false, error: 'The single quote at position 6 is never closed.', index: 5 });
    expect(splitCommandLine(`echo "a \\" b`)).toMatchObject({ ok: false, index: 5 });
  });
});

describe('splitOffer', () => {
  it('offers a split only for a row that is several arguments', () => {
    expect(splitOffer('/bin/httpd -f -p 80 -h /')).toHaveLength(6);
    expect(splitOffer('--flag')).toBeNull();
    expect(splitOffer(`'one arg with spaces'`)).toBeNull();
    expect(splitOffer(`echo 'unclosed`)).toBeNull();
  });
});

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that matter to the splitter, and some that do not.
const ALPHABET = [..."ab-_/=.:  \t\n'\"\\$`*~|;&é😀0"];

function randomString(next: () => number, max: number): string {
  const length = Math.floor(next() * max);
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return text;
}

describe('splitCommandLine properties', () => {
  it('gives back any argv written with quoteArg (2000 random argvs)', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const next = random(seed);
      const argv = Array.from({ length: Math.floor(next() * 6) }, () => randomString(next, 8));
      const line = joinCommandLine(argv);
      const result = splitCommandLine(line);
      expect(result, `seed ${seed}: ${JSON.stringify(line)}`).toEqual({ ok: true, args: argv });
    }
  });

  it('never throws, and what it splits survives a second round (5000 random lines)', () => {
    for (let seed = 1; seed <= 5000; seed++) {
      const next = random(seed * 7919);
      const line = randomString(next, 24);
      const result = splitCommandLine(line);
      if (!result.ok) {
        expect(result.index, `seed ${seed}`).toBeGreaterThanOrEqual(0);
        expect(`'"`).toContain(line[result.index]);
        continue;
      }
      for (const arg of result.args) expect(splitCommandLine(quoteArg(arg))).toEqual({ ok: true, args: [arg] });
      expect(splitCommandLine(joinCommandLine(result.args)), `seed ${seed}: ${JSON.stringify(line)}`).toEqual(result);
    }
  });
});
