import { createInMemoryReplayStore } from '../../src/auth/in-memory-replay-store';
import { REPLAY_DEFAULTS, replayPartitionSize } from '../../src/auth/replay-store';

function clockAt(seconds: number) {
  let at = seconds * 1000;
  return { now: () => new Date(at), set: (s: number) => (at = s * 1000) };
}

describe('in-memory replay store (one partition per issuer)', () => {
  it('answers fresh once, replayed afterwards, and keeps issuers apart', async () => {
    const store = createInMemoryReplayStore({ clock: clockAt(1000), entriesPerIssuer: 10 });
    await expect(store.consume('a', 'j1', 1100)).resolves.toBe('fresh');
    await expect(store.consume('a', 'j1', 1100)).resolves.toBe('replayed');
    await expect(store.consume('b', 'j1', 1100)).resolves.toBe('fresh');
  });

  it('reports full for the issuer whose partition is full, not for another', async () => {
    const store = createInMemoryReplayStore({ clock: clockAt(1000), entriesPerIssuer: 2 });
    await store.consume('a', 'j1', 1100);
    await store.consume('a', 'j2', 1100);
    await expect(store.consume('a', 'j3', 1100)).resolves.toBe('full');
    await expect(store.consume('a', 'j1', 1100)).resolves.toBe('replayed');
    await expect(store.consume('b', 'j3', 1100)).resolves.toBe('fresh');
    expect([store.sizeOf('a'), store.sizeOf('b')]).toEqual([2, 1]);
  });

  it('drops entries once their expiry second has passed, without a full scan', async () => {
    const clock = clockAt(1000);
    const store = createInMemoryReplayStore({ clock, entriesPerIssuer: 3 });
    await store.consume('a', 'j1', 1010);
    await store.consume('a', 'j2', 1020);
    await store.consume('a', 'j3', 1030);
    clock.set(1010);
    await expect(store.consume('a', 'j4', 1100)).resolves.toBe('full');
    clock.set(1011);
    await expect(store.consume('a', 'j4', 1100)).resolves.toBe('fresh');
    await expect(store.consume('a', 'j1', 1100)).resolves.toBe('full');
    clock.set(5000); // a long idle gap: buckets are walked, not seconds
    expect(store.sizeOf('a')).toBe(3);
    await expect(store.consume('a', 'j1', 5100)).resolves.toBe('fresh');
    expect(store.sizeOf('a')).toBe(1);
  });

  it('never answers fresh twice for concurrent consumes of one pair', async () => {
    const store = createInMemoryReplayStore({ clock: clockAt(1000), entriesPerIssuer: 100 });
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => store.consume('a', 'same', 1100)));
    expect(verdicts.filter((v) => v === 'fresh')).toHaveLength(1);
  });

  it('sizes a partition from the lifetime bound and the skew', () => {
    expect(replayPartitionSize({ maxLifetimeSeconds: 300, skewSeconds: 60, callsPerSecond: 10 })).toBe(4200);
    expect(replayPartitionSize({ maxLifetimeSeconds: REPLAY_DEFAULTS.maxLifetimeSeconds, skewSeconds: REPLAY_DEFAULTS.skewSeconds })).toBe(102_000);
  });
});
