/**
 * Network isolation for adapter tests: nock 14 intercepts node:http and the global fetch; every outbound request
 * that no interceptor answers is recorded here (and refused, since real connections are disabled).
 */
import nock from 'nock';

/** The requests of one test that matched no interceptor ("host/path" as nock reports them). */
export interface NockGuard {
  readonly unmatched: string[];
}

/**
 * Installs beforeEach/afterEach hooks: net connect disabled (except the listed hosts), unmatched requests
 * recorded, interceptors and listeners cleared after each test, and the interception removed after the file.
 */
export function useNockGuard(allowHosts?: RegExp): NockGuard {
  const guard: { unmatched: string[] } = { unmatched: [] };
  const onNoMatch = (req: { host?: string; hostname?: string; path?: string }) => {
    guard.unmatched.push(`${req.host ?? req.hostname ?? '?'}${req.path ?? ''}`);
  };
  beforeEach(() => {
    guard.unmatched = [];
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    if (allowHosts !== undefined) nock.enableNetConnect(allowHosts);
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.abortPendingRequests();
    nock.cleanAll();
    nock.enableNetConnect();
  });
  // nock patches node:http and fetch for the whole jest worker; un-patch when this file is done so that later test
  // files in the same worker talk to real sockets (nock re-activates when a later file requires it again).
  afterAll(() => {
    nock.restore();
  });
  return guard;
}
