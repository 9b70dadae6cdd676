/**
 * Operator metrics in the Prometheus text format (prom-client), on a registry of their own. Every label value is
 * bounded and carries no patient data and no token: route patterns (not paths), registered service ids, HTTP
 * status codes, knowledge-base recommendation ids (values beyond a fixed number of distinct ones are folded into
 * "other"), card indicators and fixed operation names.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Most distinct values one label may take before further ones are counted as "other". */
const MAX_LABEL_VALUES = 500;

/** A label value guard: the first MAX_LABEL_VALUES distinct values pass, later ones become "other". */
function boundedLabel(): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= MAX_LABEL_VALUES) return 'other';
    seen.add(value);
    return value;
  };
}

/** Connection counts of a database pool, read at scrape time. */
export interface PoolUse {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** The service's metrics, recorded by the HTTP layer, the pipeline adapters and the stores. */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** One finished HTTP request: route pattern, service id ('' when none), status, seconds. */
  request(route: string, service: string, status: number, seconds: number): void;
  /** Cards served: one call per card with its recommendation ids and indicator. */
  card(service: string, recommendationIds: readonly string[], indicator: string): void;
  /** A recommendation that could not be evaluated for lack of data. */
  notEvaluable(service: string, recommendationId: string): void;
  /** One FHIR fallback request ('search' or 'page') and whether it failed. */
  fhirRequest(operation: 'search' | 'page', failed: boolean): void;
  /** A JWT refused by the replay check ('replayed', or 'full' for an issuer at its bound). */
  replayRefusal(reason: 'replayed' | 'full'): void;
  /** Where replay verdicts come from now ('shared' database or 'local' process store). */
  replayMode(mode: 'shared' | 'local'): void;
  /** A replay verdict answered locally because the database was unreachable. */
  replayLocalVerdict(): void;
  /** A failed database operation (fixed operation names). */
  databaseError(operation: string): void;
  /** Card-log entries dropped (buffer full during an outage, or a failed SQLite batch). */
  cardLogDropped(count: number): void;
  /** Registers the source of the pool-use and card-log-pending gauges. */
  observeStore(source: { readonly pool?: () => PoolUse; readonly pendingCardLog?: () => number }): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
  /** Stops the default collectors' timers (event-loop lag monitor). */
  stop(): void;
}

/** Creates the metrics on a fresh registry, with prom-client's process metrics (event-loop lag included). */
export function createMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hcc_cds_', eventLoopMonitoringPrecision: 20 });
  const route = boundedLabel();
  const service = boundedLabel();
  const recommendation = boundedLabel();
  const operation = boundedLabel();

  const requests = new Counter({ name: 'hcc_cds_http_requests_total', help: 'HTTP requests answered, by route pattern, service and status.', labelNames: ['route', 'service', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'hcc_cds_http_request_duration_seconds',
    help: 'Time from request to response end, by route pattern, service and status.',
    labelNames: ['route', 'service', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const cards = new Counter({ name: 'hcc_cds_cards_total', help: 'Cards served, by service, recommendation and indicator.', labelNames: ['service', 'recommendation', 'indicator'], registers: [registry] });
  const notEvaluable = new Counter({ name: 'hcc_cds_not_evaluable_total', help: 'Recommendations not evaluable for lack of data, by service and recommendation.', labelNames: ['service', 'recommendation'], registers: [registry] });
  const fhir = new Counter({ name: 'hcc_cds_fhir_fallback_requests_total', help: 'FHIR server requests made for data missing from prefetch, by operation.', labelNames: ['operation'], registers: [registry] });
  const fhirFailures = new Counter({ name: 'hcc_cds_fhir_fallback_failures_total', help: 'FHIR fallback requests that failed, by operation.', labelNames: ['operation'], registers: [registry] });
  const replay = new Counter({ name: 'hcc_cds_jwt_replay_refusals_total', help: 'JWTs refused by the jti replay check, by reason.', labelNames: ['reason'], registers: [registry] });
  const replayMode = new Gauge({ name: 'hcc_cds_replay_store_local', help: '1 while replay protection falls back to this process (database unreachable), 0 while shared or single-process.', registers: [registry] });
  const replayLocal = new Counter({ name: 'hcc_cds_replay_local_verdicts_total', help: 'Replay checks answered by the local store because the database was unreachable.', registers: [registry] });
  const dbErrors = new Counter({ name: 'hcc_cds_database_errors_total', help: 'Failed database operations, by operation.', labelNames: ['operation'], registers: [registry] });
  const dropped = new Counter({ name: 'hcc_cds_card_log_dropped_total', help: 'Card-log entries dropped (buffer full during a database outage, or a failed write).', registers: [registry] });
  for (const reason of ['replayed', 'full']) replay.inc({ reason }, 0);
  replayMode.set(0);

  let poolUse: (() => PoolUse) | undefined;
  let pending: (() => number) | undefined;
  new Gauge({
    name: 'hcc_cds_database_pool_connections',
    help: 'Database pool connections, by state (total, idle, waiting requests).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      if (poolUse === undefined) return;
      const use = poolUse();
      this.set({ state: 'total' }, use.total);
      this.set({ state: 'idle' }, use.idle);
      this.set({ state: 'waiting' }, use.waiting);
    },
  });
  new Gauge({
    name: 'hcc_cds_card_log_pending',
    help: 'Card-log entries waiting to be written.',
    registers: [registry],
    collect() {
      this.set(pending?.() ?? 0);
    },
  });

  return {
    registry,
    request(r, s, status, seconds) {
      const labels = { route: route(r), service: service(s), status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    card(s, ids, indicator) {
      for (const id of ids.length === 0 ? ['none'] : ids) cards.inc({ service: service(s), recommendation: recommendation(id), indicator: ['info', 'warning', 'critical'].includes(indicator) ? indicator : 'other' });
    },
    notEvaluable(s, id) {
      notEvaluable.inc({ service: service(s), recommendation: recommendation(id) });
    },
    fhirRequest(op, failed) {
      fhir.inc({ operation: op });
      if (failed) fhirFailures.inc({ operation: op });
    },
    replayRefusal(reason) {
      replay.inc({ reason });
    },
    replayMode(mode) {
      replayMode.set(mode === 'local' ? 1 : 0);
    },
    replayLocalVerdict() {
      replayLocal.inc();
    },
    databaseError(op) {
      dbErrors.inc({ operation: operation(op) });
    },
    cardLogDropped(count) {
      dropped.inc(count);
    },
    observeStore(source) {
      poolUse = source.pool;
      pending = source.pendingCardLog;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
    stop() {
      registry.clear();
    },
  };
}
