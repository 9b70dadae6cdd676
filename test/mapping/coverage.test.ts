/** Every fact file of fhir-mappings/facts/ is exercised by a mapping test (issue 3: one test per fact file). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultMappingsDir } from '../../src/mapping/load-mappings';

const INTERNAL_VIA: Readonly<Record<string, string>> = {
  ptSeconds: 'ptSeconds',
  ptControlSeconds: 'ptControlSeconds',
  childPughScoreRecorded: 'child-pugh-recorded-newer',
  childPughClassRecorded: 'childPughClassRecorded',
  responseHistory: 'latestResponse',
  adverseEvents: 'maxIrAeGrade',
};

it.each(readdirSync(join(defaultMappingsDir(), 'facts')).map((f) => f.replace(/\.yaml$/, '')))('%s is tested', (name) => {
  const tests = readdirSync(__dirname).filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts');
  const text = tests.map((f) => readFileSync(join(__dirname, f), 'utf8')).join('\n');
  const needle = INTERNAL_VIA[name] ?? name;
  expect(text.includes(`'${needle}'`)).toBe(true);
});
