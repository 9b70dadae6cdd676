/**
 * Store selection in the configuration (issue 12): SQLite stays the default; `database` as a postgres:// URL or the
 * `postgres` member selects PostgreSQL, with defaults, the password from a named environment variable, and a
 * logged form that never carries a password; contradictory or missing settings are refused; `metrics` defaults.
 */
import { parseConfig, type ConfigFile } from '../../src/config';
import { describeConnection, poolConfig } from '../../src/feedback/postgres/connection';
import { BootError } from '../../src/shared/errors';
import { createIssuer } from '../../scripts/lib/jwt-signer';

const client = createIssuer('https://ehr.example.org');
const base: ConfigFile = {
  trustedIssuers: [{ iss: client.iss, jwks: client.jwks }],
  allowedFhirServers: ['https://fhir.example.org/*'],
  corsOrigins: ['https://ehr.example.org'],
  language: 'en',
  publicBaseUrl: 'https://cds.example.org',
};
const parse = (file: Record<string, unknown>) => parseConfig({ ...base, ...file }, { production: true, origin: 'test', baseDir: '/srv/hcc' });

function problemsOf(file: Record<string, unknown>): readonly string[] {
  try {
    parse(file);
  } catch (error) {
    if (error instanceof BootError) return error.problems;
    throw error;
  }
  throw new Error('expected a BootError');
}

describe('store selection', () => {
  it('a file path keeps SQLite (no postgres settings); metrics are on and open by default', () => {
    const { config } = parse({ database: 'var/feedback.sqlite' });
    expect(config.database).toBe('/srv/hcc/var/feedback.sqlite');
    expect(config.postgres).toBeUndefined();
    expect(config.metrics).toEqual({ enabled: true });
  });

  it('a postgres:// URL selects PostgreSQL with defaults; the logged form has no password; a password in the URL is warned about', () => {
    const { config, warnings } = parse({ database: 'postgres://hcc:s3cret@db.example.org:6432/hcc_cds?sslmode=require' });
    expect(config.database).toBe('postgres://hcc@db.example.org:6432/hcc_cds');
    expect(config.postgres).toMatchObject({ poolSize: 10, connectTimeoutMs: 2000, statementTimeoutMs: 5000, replayTimeoutMs: 250, cardLogBufferMax: 10_000 });
    expect(warnings.join('\n')).toContain('prefer postgres.passwordEnv');
    expect(JSON.stringify(warnings)).not.toContain('s3cret');
    const pool = poolConfig(config.postgres!, {});
    expect(pool).toMatchObject({ host: 'db.example.org', port: 6432, database: 'hcc_cds', user: 'hcc', password: 's3cret', ssl: { rejectUnauthorized: true }, max: 10 });
  });

  it('the postgres member alone selects PostgreSQL; the password comes from the named variable, which must be set', () => {
    const { config, warnings } = parse({ postgres: { host: 'db', database: 'hcc', user: 'svc', passwordEnv: 'HCC_DB_PW', poolSize: 4 } });
    expect(warnings).toEqual([]);
    expect(config.database).toBe('postgres://svc@db:5432/hcc');
    expect(poolConfig(config.postgres!, { HCC_DB_PW: 'from-env' })).toMatchObject({ host: 'db', port: 5432, database: 'hcc', user: 'svc', password: 'from-env', max: 4 });
    expect(() => poolConfig(config.postgres!, {})).toThrow(/HCC_DB_PW \(postgres\.passwordEnv\) is not set/);
  });

  it('the postgres member completes and overrides a URL', () => {
    const { config } = parse({ database: 'postgresql://svc@db/hcc', postgres: { passwordEnv: 'PW', host: 'db-primary', statementTimeoutMs: 1000 } });
    expect(describeConnection(config.postgres!)).toBe('postgres://svc@db-primary:5432/hcc');
    expect(poolConfig(config.postgres!, { PW: 'x' })).toMatchObject({ host: 'db-primary', user: 'svc', password: 'x', statement_timeout: 1000 });
  });

  it('refuses a SQLite path together with postgres settings, no store at all, and unknown postgres members', () => {
    expect(problemsOf({ database: 'var/x.sqlite', postgres: { host: 'db' } })).toEqual([expect.stringContaining('database names a SQLite file but postgres settings are given')]);
    expect(problemsOf({})).toEqual(['database is required']);
    expect(problemsOf({ postgres: { host: 'db', password: 'inline' } })).toEqual([expect.stringContaining('postgres.password is not a known setting')]);
    expect(problemsOf({ postgres: { passwordEnv: 'not a name' } })[0]).toMatch(/postgres\.passwordEnv/);
  });

  it('metrics can be disabled or protected by a bearer token named by an environment variable', () => {
    expect(parse({ database: ':memory:', metrics: { enabled: false } }).config.metrics).toEqual({ enabled: false });
    expect(parse({ database: ':memory:', metrics: { bearerTokenEnv: 'HCC_METRICS_TOKEN' } }).config.metrics).toEqual({ enabled: true, bearerTokenEnv: 'HCC_METRICS_TOKEN' });
  });
});
