/**
 * The benchmark's floor: a bare express 5 endpoint that parses the JSON body and replies, nothing else.
 * Run as a child process by scripts/bench.ts (env PORT).
 */
import express from 'express';

const app = express();
app.use(express.json({ limit: '200mb' }));
app.get('/cds-services', (_req, res) => {
  res.json({ services: [] });
});
app.use((req, res) => {
  const body = req.body as { hookInstance?: unknown } | undefined;
  res.json({ cards: [], hookInstance: typeof body?.hookInstance === 'string' ? body.hookInstance : null });
});
const port = Number(process.env['PORT'] ?? '0');
const server = app.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof addr === 'object' && addr !== null ? addr.port : port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
