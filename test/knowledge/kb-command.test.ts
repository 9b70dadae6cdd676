import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../src/cli/commands/kb';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('hcc-cds kb', () => {
  test('--check passes on the committed REVIEW.md (CI drift check)', async () => {
    const c = io();
    expect(await command.run(['--check'], c.io)).toBe(0);
  });

  test('writes the review and --check fails once the file is stale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-'));
    const file = join(dir, 'REVIEW.md');
    try {
      expect(await command.run(['--out', file], io().io)).toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('### R-HAIC-1');
      expect(text).toContain('Evidence level and strength: not stated in the available source');
      writeFileSync(file, `${text}edited by hand\n`);
      const c = io();
      expect(await command.run(['--check', '--out', file], c.io)).toBe(1);
      expect(c.err.join('')).toMatch(/stale/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unknown option is a usage error', async () => {
    expect(await command.run(['--nope'], io().io)).toBe(2);
  });
});
