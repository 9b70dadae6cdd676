/**
 * The second pass over a partition file: its lines grouped by patient (one task per patient). One partition is in
 * memory at a time.
 */
import { readFileSync } from 'node:fs';
import type { InputFile } from './cohort-input';
import type { LinesTask } from './patient-task';

/** The patients of one partition, each with its NDJSON lines and their `file:line`. */
export function readPartition(path: string, files: readonly InputFile[]): LinesTask[] {
  const byPatient = new Map<string, { lines: string[]; where: string[] }>();
  const text = readFileSync(path, 'utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const record = text.slice(start, end);
    start = end + 1;
    if (record === '') continue;
    const tab1 = record.indexOf('\t');
    const tab2 = record.indexOf('\t', tab1 + 1);
    const tab3 = record.indexOf('\t', tab2 + 1);
    const patientId = record.slice(0, tab1);
    const fileName = files[Number(record.slice(tab1 + 1, tab2))]?.name ?? '?';
    const line = record.slice(tab2 + 1, tab3);
    const json = record.slice(tab3 + 1);
    let group = byPatient.get(patientId);
    if (group === undefined) byPatient.set(patientId, (group = { lines: [], where: [] }));
    group.lines.push(json);
    group.where.push(`${fileName}:${line}`);
  }
  return [...byPatient.values()].map((g) => ({ kind: 'lines', lines: g.lines, where: g.where }));
}
