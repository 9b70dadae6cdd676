import { hostNameOf, isLoopbackHostName } from '../../src/http/loopback-host';
import { loggableLocation, loggableLocations } from '../../src/http/log-location';

describe('loggable locations of invalid requests', () => {
  it('keeps declared member names and indices, masks every other name, bounds the length', () => {
    expect(loggableLocation('context.draftOrders.entry[3].resource')).toBe('context.draftOrders.entry[3].resource');
    expect(loggableLocation('prefetch.ZhangSan')).toBe('prefetch.*');
    expect(loggableLocation('context.WangWu_bed_12.x')).toBe('context.*.*');
    expect(loggableLocation(`prefetch.${'a.'.repeat(50)}`)).toMatch(/^prefetch(\.\*){7}\.…$/);
    expect(loggableLocations(Array.from({ length: 30 }, (_, i) => `k${i}`))).toHaveLength(10);
  });
});

describe('loopback host names', () => {
  it('accepts localhost, 127/8 and [::1] only', () => {
    for (const h of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) expect([h, isLoopbackHostName(h)]).toEqual([h, true]);
    for (const h of ['localhost.evil.example', '128.0.0.1', '0.0.0.0', 'evil.example', '10.0.0.1', '[::2]']) expect([h, isLoopbackHostName(h)]).toEqual([h, false]);
  });

  it('parses Host header values, refusing malformed ones', () => {
    expect(hostNameOf('LocalHost:3000')).toBe('localhost');
    expect(hostNameOf('[::1]:8080')).toBe('[::1]');
    for (const bad of [undefined, '', 'a b', 'x'.repeat(300), 'evil.example@127.0.0.1']) expect(hostNameOf(bad)).toBeUndefined();
  });
});
