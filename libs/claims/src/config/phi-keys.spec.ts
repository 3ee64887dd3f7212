import { randomBytes } from 'node:crypto';
import { generateSigningKeyPair } from '@claimtrail/ledger';
import { loadConfig } from './app-config';
import { DEV_PHI_KEYS } from './phi-keys';
import { configProblems, DEV_ENV } from './testing/config-problems';

const k = (bytes = 32) => randomBytes(bytes).toString('base64');

const problems = configProblems;

describe('PHI_KEYS', () => {
  it('parses kid:base64 entries in order; the first one encrypts', () => {
    const a = k();
    const config = loadConfig({ ...DEV_ENV, PHI_KEYS: ` new:${a} , old:${k()}` });
    expect(config.PHI_KEYS.map((x) => x.kid)).toEqual(['new', 'old']);
    expect(config.PHI_KEYS[0].key.equals(Buffer.from(a, 'base64'))).toBe(true);
  });

  it('accepts base64url keys', () => {
    const url = randomBytes(32).toString('base64url');
    expect(loadConfig({ ...DEV_ENV, PHI_KEYS: `k_1-a:${url}` }).PHI_KEYS[0].key).toHaveLength(32);
  });

  it('falls back to the development keyring only when asked for development secrets', () => {
    expect(loadConfig({ ...DEV_ENV }).PHI_KEYS.map((x) => x.kid)).toEqual([DEV_PHI_KEYS.split(':')[0]]);
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

  it('is required without the development switch, which alone admits the development key', () => {
    const real = {
      CLAIMTRAIL_DEV_SECRETS: '0',
      MEMBER_REF_SECRET: k(),
      LEDGER_HEAD_KEY: generateSigningKeyPair().privateKeyPem,
    };
    expect(problems(real)).toEqual([
      expect.stringMatching(/^PHI_KEYS is required \(kid:base64-key.*or set CLAIMTRAIL_DEV_SECRETS=1/),
    ]);
    expect(problems({ ...real, PHI_KEYS: `new:${k()},${DEV_PHI_KEYS}` })).toEqual([
      'PHI_KEYS must not contain the public development key (allowed only with CLAIMTRAIL_DEV_SECRETS=1)',
    ]);
    expect(problems({ ...real, PHI_KEYS: `prod1:${k()}` })).toEqual([]);
    expect(problems({ PHI_KEYS: `new:${k()},${DEV_PHI_KEYS}` })).toEqual([]);
  });
});
