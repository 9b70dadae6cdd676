/**
 * Jest setup (setupFilesAfterEnv): every CDS Hooks response produced in any test file, through runService (the
 * HTTP route, the CLI, the playground) or straight from the engine (scenario vignettes), is deep-scanned for null
 * and for empty strings/arrays/objects (only the top-level `cards: []` may be empty); a test whose code produced
 * one fails after it runs. Responses of child processes (the built server) are checked by validateCdsResponse,
 * which applies the same scan.
 * @see https://cds-hooks.hl7.org/2.0/#use-of-json
 */
import { takeProblems } from './response-scan';

jest.mock('../../src/pipeline/run-service', () => {
  const actual = jest.requireActual<typeof import('../../src/pipeline/run-service')>('../../src/pipeline/run-service');
  const scan = jest.requireActual<typeof import('./response-scan')>('./response-scan');
  return {
    ...actual,
    runService: async (...args: Parameters<typeof actual.runService>) => {
      const run = await actual.runService(...args);
      scan.recordResponse(`runService(${args[0].id})`, run.response);
      return run;
    },
  };
});

jest.mock('../../src/knowledge/create-engine', () => {
  const actual = jest.requireActual<typeof import('../../src/knowledge/create-engine')>('../../src/knowledge/create-engine');
  const scan = jest.requireActual<typeof import('./response-scan')>('./response-scan');
  return {
    ...actual,
    createEngine: (...args: Parameters<typeof actual.createEngine>) => {
      const engine = actual.createEngine(...args);
      return {
        ...engine,
        evaluate: (input: Parameters<typeof engine.evaluate>[0]) => {
          const result = engine.evaluate(input);
          scan.recordResponse(`engine.evaluate(${input.serviceId})`, { cards: result.cards });
          return result;
        },
      };
    },
  };
});

function failOnProblems(): void {
  const problems = takeProblems();
  if (problems.length > 0) throw new Error(`CDS Hooks responses with null or empty values (CDS Hooks § Use of JSON):\n${problems.slice(0, 20).join('\n')}`);
}

afterEach(failOnProblems);
afterAll(failOnProblems);
