/**
 * A per-test copy of the shipped knowledge base that a test breaks on purpose (one edit), and the boot problems
 * loadKnowledgeBase reports for it: the fixture of the knowledge-base check suites.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledgeBase } from '../../../src/knowledge/load-knowledge-base';
import { defaultKnowledgeDir } from '../../../src/knowledge/read-knowledge-files';
import { BootError } from '../../../src/shared/errors';
import { catalogueFromFiles } from './catalogue';

/** The copy's folder, an edit that must apply, and the problems of loading it. */
export interface KnowledgeBaseCopy {
  dir(): string;
  edit(file: string, from: string | RegExp, to: string): void;
  problems(): readonly string[];
}

/** Registers beforeEach/afterEach hooks that give every test a fresh copy of the shipped knowledge base. */
export function useKnowledgeBaseCopy(prefix: string): KnowledgeBaseCopy {
  const factDefinitions = catalogueFromFiles();
  let dir = '';
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), prefix)), 'hcc-consensus');
    cpSync(defaultKnowledgeDir(), dir, { recursive: true });
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
  return {
    dir: () => dir,
    edit(file, from, to) {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit did not apply to ${file}`);
      writeFileSync(path, next);
    },
    problems() {
      try {
        loadKnowledgeBase({ dir, factDefinitions });
      } catch (error) {
        if (error instanceof BootError) return error.problems;
        throw error;
      }
      return [];
    },
  };
}
