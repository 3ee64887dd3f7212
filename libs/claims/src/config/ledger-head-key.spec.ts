import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { generateSigningKeyPair } from '@claimtrail/ledger';
import { loadConfig } from './app-config';
import { DEV_LEDGER_HEAD_KEY } from './ledger-head-key';
import { configProblems as problems, DEV_ENV } from './testing/config-problems';

describe('LEDGER_HEAD_KEY', () => {
  const real = {
    CLAIMTRAIL_DEV_SECRETS: '0',
    MEMBER_REF_SECRET: randomBytes(32).toString('base64'),
    PHI_KEYS: `prod1:${randomBytes(32).toString('base64')}`,
  };

  it('is required on the embedded ledger, where the development key needs the development switch', () => {
    expect(problems(real)).toEqual([expect.stringMatching(/^LEDGER_HEAD_KEY is required \(a PKCS#8 PEM/)]);
    expect(problems({ ...real, LEDGER_HEAD_KEY: DEV_LEDGER_HEAD_KEY })).toEqual([
      'LEDGER_HEAD_KEY must not be the public development key (allowed only with CLAIMTRAIL_DEV_SECRETS=1)',
    ]);
    expect(problems({ ...real, LEDGER_HEAD_KEY: generateSigningKeyPair().privateKeyPem })).toEqual([]);
    expect(problems({ ...real, LEDGER: 'fabric' })).toEqual([]);
  });

  it('takes a PEM with its line breaks written as \\n', () => {
    const pem = generateSigningKeyPair().privateKeyPem;
    expect(loadConfig({ ...DEV_ENV, LEDGER_HEAD_KEY: pem.replace(/\n/g, '\\n') }).LEDGER_HEAD_KEY).toBe(pem);
  });

  it('refuses what is not an ECDSA P-256 private key', () => {
    const rsa = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    expect(problems({ LEDGER_HEAD_KEY: rsa })).toEqual([
      'LEDGER_HEAD_KEY must be an ECDSA P-256 private key',
    ]);
    expect(problems({ LEDGER_HEAD_KEY: 'secret' })).toEqual([
      'LEDGER_HEAD_KEY must be a PKCS#8 PEM private key (ECDSA P-256)',
    ]);
  });
});
