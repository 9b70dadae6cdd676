/**
 * `node dist/scripts/replay-bench.js [--n=2000] [--url=postgres://…]`: the per-call cost of the replay check, in
 * memory and on PostgreSQL (an embedded server started here unless --url or DATABASE_URL names one).
 */
import { startEmbeddedPostgres } from './lib/embedded-postgres';
import { measureReplayCost } from './lib/replay-cost';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

async function main(): Promise<void> {
  const n = Number(arg('n') ?? 2000);
  const external = arg('url') ?? process.env['DATABASE_URL'];
  const server = external === undefined ? await startEmbeddedPostgres() : undefined;
  try {
    const cost = await measureReplayCost(external ?? server?.url ?? '', n);
    const row = (name: string, s: { p50Us: number; p90Us: number; p99Us: number; meanUs: number }): string => `| ${name} | ${n} | ${s.p50Us} | ${s.p90Us} | ${s.p99Us} | ${Math.round(s.meanUs)} |`;
    process.stdout.write(
      [
        `Replay check per call (sequential, ${external === undefined ? 'embedded PostgreSQL, default settings' : 'PostgreSQL at the given URL'}):`,
        '',
        '| store, path | n | p50 µs | p90 µs | p99 µs | mean µs |',
        '| --- | --- | --- | --- | --- | --- |',
        row('in memory, first use', cost.inMemoryFresh),
        row('PostgreSQL, first use (INSERT)', cost.postgresFresh),
        row('PostgreSQL, replay (conflict)', cost.postgresReplayed),
        '',
      ].join('\n'),
    );
  } finally {
    await server?.destroy();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`replay-bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
