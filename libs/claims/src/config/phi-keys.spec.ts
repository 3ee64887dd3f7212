import { randomBytes } from 'node:crypto';
import { loadConfig } from './app-config';
import { DEV_PHI_KEYS } from './phi-keys';
import { configProblems } from './testing/config-problems';

const k = (bytes = 32) => randomBytes(bytes).toString('base64');

const problems = configProblems;

describe('PHI_KEYS', () => {
  it('parses kid:base64 entries in order; the first one encrypts', () => {
    const a = k();
    const config = loadConfig({ PHI_KEYS: ` new:${a} , old:${k()}` });
    expect(config.PHI_KEYS.map((x) => x.kid)).toEqual(['new', 'old']);
    expect(config.PHI_KEYS[0].key.equals(Buffer.from(a, 'base64'))).toBe(true);
  });

  it('accepts base64url keys', () => {
    const url = randomBytes(32).toString('base64url');
    expect(loadConfig({ PHI_KEYS: `k_1-a:${url}` }).PHI_KEYS[0].key).toHaveLength(32);
  });

  it('falls back to the development keyring outside production', () => {
    expect(loadConfig({}).PHI_KEYS.map((x) => x.kid)).toEqual([DEV_PHI_KEYS.split(':')[0]]);
  });

  it('reports every bad entry without echoing key material', () => {
    const short = k(16);
    const found = problems({ PHI_KEYS: `a:${short},b,c.d:${k()},a:${k()},e:not*base64` });
    expect(found).toEqual([
      expect.stringMatching(
        /^PHI_KEYS entry 1 \(key id "a"\) must hold base64 of exactly 32 bytes \(it decodes to 16\)/,
      ),
      'PHI_KEYS entry 2 must look like kid:base64-key',
      'PHI_KEYS entry 3 has a key id that is not 1-32 letters, digits, - or _',
      expect.stringMatching(/^PHI_KEYS entry 5 \(key id "e"\) must hold base64 of exactly 32 bytes;/),
    ]);
    expect(found.join('\n')).not.toContain(short);
  });

  it('refuses repeated key ids', () => {
    expect(problems({ PHI_KEYS: `a:${k()},a:${k()}` })).toEqual([
      'PHI_KEYS entry 2 repeats key id "a"; key ids must be unique',
    ]);
  });

  it('refuses an empty list', () => {
    expect(problems({ PHI_KEYS: ' , ' })).toEqual(['PHI_KEYS must list at least one kid:base64-key']);
  });

  it('is required in production, where the development key is refused', () => {
    const prod = { NODE_ENV: 'production', MEMBER_REF_SECRET: 'a-long-enough-production-secret' };
    expect(problems(prod)).toEqual(['PHI_KEYS is required when NODE_ENV=production']);
    expect(problems({ ...prod, PHI_KEYS: `new:${k()},${DEV_PHI_KEYS}` })).toEqual([
      'PHI_KEYS must not contain the public development key when NODE_ENV=production',
    ]);
    expect(problems({ ...prod, PHI_KEYS: `prod1:${k()}` })).toEqual([]);
  });
});
