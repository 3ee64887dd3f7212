import { samplingDraw } from './sampling';

describe('samplingDraw', () => {
  const head = 'ab'.repeat(32);

  it('is the first 6 bytes of SHA-256("claimId:ledgerHead") over 2^48, so anyone can re-derive it', () => {
    // sha256("c1:abab…ab") starts 970e0352dce9; 0x970e0352dce9 / 2^48 = 0.59005757…
    expect(samplingDraw('c1', head)).toBe(0x970e0352dce9 / 2 ** 48);
    expect(samplingDraw('c1', head)).toBeCloseTo(0.59005757, 8);
  });

  it('is deterministic, in [0, 1), and changes with either input', () => {
    expect(samplingDraw('c1', head)).toBe(samplingDraw('c1', head));
    expect(samplingDraw('c2', head)).not.toBe(samplingDraw('c1', head));
    expect(samplingDraw('c1', 'cd'.repeat(32))).not.toBe(samplingDraw('c1', head));
    const draws = Array.from({ length: 2000 }, (_, i) => samplingDraw(`claim-${i}`, head));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: about a tenth falls below 0.1.
    const below = draws.filter((x) => x < 0.1).length;
    expect(below).toBeGreaterThan(140);
    expect(below).toBeLessThan(260);
  });
});
