/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `npm run bench -- --cpu-prof`): self and
 * inclusive time per function (recursion counted once), top N, optionally only functions under a path.
 *
 * Usage: node dist/scripts/profile-summary.js <file.cpuprofile> [--top=40] [--filter=/src/]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One function's figures in milliseconds. */
export interface FunctionCost {
  readonly key: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

/** Computes self and inclusive time per function (function name + file:line). */
export function summariseProfile(profile: CpuProfile, root = ''): { totalMs: number; functions: FunctionCost[] } {
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const keyOf = (n: ProfileNode): string => {
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const file = root !== '' && url.startsWith(root) ? path.relative(root, url) : url;
    return `${n.callFrame.functionName || '(anonymous)'} ${file === '' ? '' : `${file}:${n.callFrame.lineNumber + 1}`}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const onStack = new Map<string, number>();
  // Inclusive time of a node = its self time + its children's; a function is credited once per stack.
  const visit = (id: number): number => {
    const n = byId.get(id);
    if (n === undefined) return 0;
    const key = keyOf(n);
    onStack.set(key, (onStack.get(key) ?? 0) + 1);
    let t = selfUs.get(id) ?? 0;
    self.set(key, (self.get(key) ?? 0) + t);
    for (const c of n.children ?? []) t += visit(c);
    const depth = onStack.get(key) ?? 1;
    if (depth === 1) total.set(key, (total.get(key) ?? 0) + t);
    onStack.set(key, depth - 1);
    return t;
  };
  const rootNode = profile.nodes[0];
  const totalUs = rootNode === undefined ? 0 : visit(rootNode.id);
  const functions = [...total.keys()].map((key) => ({ key, selfMs: (self.get(key) ?? 0) / 1000, totalMs: (total.get(key) ?? 0) / 1000 }));
  return { totalMs: totalUs / 1000, functions };
}

function main(): void {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: profile-summary <file.cpuprofile> [--top=40] [--filter=/src/]\n');
    process.exit(2);
  }
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? '40');
  const filter = process.argv.find((a) => a.startsWith('--filter='))?.slice(9);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { totalMs, functions } = summariseProfile(profile, process.cwd());
  const keep = (f: FunctionCost): boolean => filter === undefined || f.key.includes(filter);
  const pct = (v: number): string => ((v / totalMs) * 100).toFixed(1);
  const lines = [`profile ${file}: ${totalMs.toFixed(0)} ms sampled`, '', '## by self time', '', '| self ms | % | total ms | % | function |', '| --- | --- | --- | --- | --- |'];
  for (const f of [...functions].filter(keep).sort((a, b) => b.selfMs - a.selfMs).slice(0, top)) {
    lines.push(`| ${f.selfMs.toFixed(1)} | ${pct(f.selfMs)} | ${f.totalMs.toFixed(1)} | ${pct(f.totalMs)} | ${f.key} |`);
  }
  lines.push('', '## by inclusive time', '', '| total ms | % | self ms | function |', '| --- | --- | --- | --- |');
  for (const f of [...functions].filter(keep).sort((a, b) => b.totalMs - a.totalMs).slice(0, top)) {
    lines.push(`| ${f.totalMs.toFixed(1)} | ${pct(f.totalMs)} | ${f.selfMs.toFixed(1)} | ${f.key} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) main();
