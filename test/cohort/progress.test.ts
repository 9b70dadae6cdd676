/** The progress line of a cohort run: in place on a terminal, plain lines otherwise, with rate and ETA. */
import { createProgress, progressLine } from '../../src/cohort/progress';

describe('progress', () => {
  it('says patients done of the total, the rate and the time left', () => {
    expect(progressLine(250, 1000, 10_000)).toBe('patients 250/1000 · 25.0/s · ETA 0:30');
    expect(progressLine(1000, 1000, 20_000)).toBe('patients 1000/1000 · 50.0/s');
    expect(progressLine(5, undefined, 1000)).toBe('patients 5 · 5.0/s');
    expect(progressLine(10, 100_000, 1000)).toBe('patients 10/100000 · 10.0/s · ETA 2:46:39');
  });

  it('rewrites one line on a terminal, at most every 100 ms', () => {
    let t = 0;
    const written: string[] = [];
    const p = createProgress({ isTTY: true, write: (s) => written.push(s) }, { now: () => t });
    p.phase('evaluating', 4);
    t = 50;
    p.tick();
    t = 200;
    p.tick();
    t = 250;
    p.tick();
    t = 400;
    p.tick();
    p.finish();
    expect(written).toEqual(['evaluating (4 patients)…\n', '\r\x1b[2Kpatients 2/4 · 10.0/s · ETA 0:00', '\r\x1b[2Kpatients 4/4 · 10.0/s', '\n']);
  });

  it('writes a plain line every interval when stderr is not a terminal', () => {
    let t = 0;
    const written: string[] = [];
    const p = createProgress({ isTTY: false, write: (s) => written.push(s) }, { now: () => t, plainEveryMs: 1000 });
    p.phase('evaluating', 3);
    t = 500;
    p.tick();
    t = 1500;
    p.tick();
    t = 1600;
    p.tick();
    p.finish();
    expect(written).toEqual(['evaluating (3 patients)…\n', 'patients 2/3 · 1.3/s · ETA 0:01\n', 'patients 3/3 · 1.9/s\n']);
  });
});
