import { randomBytes } from 'node:crypto';
import { generateSigningKeyPair } from '@claimtrail/ledger';
import { loadConfig } from './app-config';
import { DEV_PHI_KEYS } from './phi-keys';
import { DEV_MEMBER_REF_SECRET, secretProblem } from './secrets';
import { configProblems } from './testing/config-problems';

const secret = () => randomBytes(32).toString('base64');
const phiKeys = () => `k1:${secret()}`;
const headKey = generateSigningKeyPair().privateKeyPem;

describe('secrets at start-up', () => {
  it('refuses to start without secrets unless development secrets are asked for', () => {
    expect(configProblems({ CLAIMTRAIL_DEV_SECRETS: '0' })).toEqual([
      expect.stringMatching(/^MEMBER_REF_SECRET is required \(base64 of at least 32 random bytes/),
      expect.stringMatching(/^PHI_KEYS is required/),
      expect.stringMatching(/^LEDGER_HEAD_KEY is required/),
    ]);
    const dev = loadConfig({ CLAIMTRAIL_DEV_SECRETS: '1' });
    expect(dev.MEMBER_REF_SECRET).toBe(DEV_MEMBER_REF_SECRET);
    expect(dev.DEV_SECRETS_IN_USE).toEqual(['MEMBER_REF_SECRET', 'PHI_KEYS', 'LEDGER_HEAD_KEY']);
  });

  it('takes real secrets with or without the switch, and then uses no development value', () => {
    const env = { MEMBER_REF_SECRET: secret(), PHI_KEYS: phiKeys(), LEDGER_HEAD_KEY: headKey };
    expect(loadConfig(env).DEV_SECRETS_IN_USE).toEqual([]);
    expect(loadConfig({ ...env, CLAIMTRAIL_DEV_SECRETS: '1' }).DEV_SECRETS_IN_USE).toEqual([]);
  });

  it('refuses the development values without the switch, and under NODE_ENV=production even with it', () => {
    const env = {
      MEMBER_REF_SECRET: DEV_MEMBER_REF_SECRET,
      PHI_KEYS: DEV_PHI_KEYS,
      LEDGER_HEAD_KEY: headKey,
    };
    const refused = [
      expect.stringMatching(/^MEMBER_REF_SECRET is the public development value/),
      expect.stringMatching(/^PHI_KEYS must not contain the public development key/),
    ];
    expect(configProblems({ ...env, CLAIMTRAIL_DEV_SECRETS: '0' })).toEqual(refused);
    expect(configProblems({ ...env, NODE_ENV: 'production' })).toEqual(refused);
    expect(configProblems({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^MEMBER_REF_SECRET is required .*\(NODE_ENV=production overrides/),
      expect.stringMatching(/^PHI_KEYS is required .*\(NODE_ENV=production overrides/),
      expect.stringMatching(/^LEDGER_HEAD_KEY is required .*\(NODE_ENV=production overrides/),
    ]);
  });

  it('refuses a MEMBER_REF_SECRET short of 32 random bytes, never echoing it', () => {
    const cases: [string, RegExp][] = [
      ['a-long-enough-production-secret', /\(it decodes to 23\)/],
      [randomBytes(31).toString('base64'), /\(it decodes to 31\)/],
      ['correct horse battery staple, really long', /\(it is not base64\)/],
      [Buffer.alloc(48, 'ab').toString('base64'), /looks like words or a pattern/],
      ['not-a-real-secret-but-long-enough-to-pass-16', /looks like words or a pattern/],
      ['ab'.repeat(40), /looks like words or a pattern/],
    ];
    for (const [value, why] of cases) {
      const found = configProblems({
        CLAIMTRAIL_DEV_SECRETS: '0',
        PHI_KEYS: phiKeys(),
        LEDGER_HEAD_KEY: headKey,
        MEMBER_REF_SECRET: value,
      });
      expect(found).toEqual([expect.stringMatching(why)]);
      expect(found[0]).not.toContain(value);
    }
    expect(secretProblem(secret())).toBeUndefined();
    expect(secretProblem(randomBytes(32).toString('base64url'))).toBeUndefined();
    expect(secretProblem(randomBytes(32).toString('hex'))).toBeUndefined();
  });

  it('refuses a switch value it does not know', () => {
    expect(configProblems({ CLAIMTRAIL_DEV_SECRETS: 'yes' })).toEqual([
      'CLAIMTRAIL_DEV_SECRETS must be 1 (use development secrets) or 0',
    ]);
  });
});
