import { createPrivateKey, randomBytes } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { AdjudicationService } from '@claimtrail/claims/adjudication/adjudication.service';
import { ClaimQueriesService } from '@claimtrail/claims/intake/claim-queries.service';
import { ClaimsService } from '@claimtrail/claims/intake/claims.service';
import { LedgerRelayService } from '@claimtrail/claims/ledger-sync/ledger-relay.service';
import { MembersService } from '@claimtrail/claims/coverage/members.service';
import { OrganizationsService } from '@claimtrail/claims/access/organizations.service';
import { PlansService } from '@claimtrail/claims/coverage/plans.service';
import { replayDecision } from '@claimtrail/claims/adjudication/replay';
import { ReviewService } from '@claimtrail/claims/adjudication/review.service';
import { ClaimsModule } from '@claimtrail/claims/claims.module';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import { DEV_PHI_KEYS, type PhiKey } from '@claimtrail/claims/config/phi-keys';
import { rowKey } from '@claimtrail/claims/infra/crypto/field-cipher';
import { configurePhiCipher, phiCipher } from '@claimtrail/claims/infra/crypto/phi-cipher.registry';
import { rotatePhi } from '@claimtrail/claims/infra/crypto/phi-rotation';
import { connectDataSource } from '@claimtrail/claims/infra/data-source';
import { OrganizationEntity } from '@claimtrail/claims/infra/entities';
import { QueueName } from '@claimtrail/claims/queue/queue-contracts';
import { ADMIN_URL, queuePrefixFor } from '../support/test-databases';

const NAME = 'Wanjiru Nyambura Kamau';
const BIRTH = '1987-11-23';
const PHONE = '+254712345678';
const NOTE = 'patient disclosed a chronic condition; consultation approved after records check';

const ENCRYPTED = [
  'claim_decisions.inputs',
  'claim_decisions.note',
  'members.birth_date',
  'members.full_name',
  'members.phone',
  'organizations.signing_private_key',
];
const SECRETS = [NAME, ...NAME.split(' '), BIRTH, PHONE, PHONE.slice(1), NOTE];

/** Every column of a row as text, so a secret cannot hide in a column nobody thought of. */
const rowText = (row: Record<string, unknown>) =>
  Object.values(row).map((v) =>
    v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v),
  );

/**
 * PHI at rest against real PostgreSQL. It runs in a database of its own, because it migrates down
 * and up and rotates keys, which would break the other suites reading the shared one.
 */
describe('PHI encryption at rest', () => {
  const dbName = `claimtrail_test_phi_${Date.now()}_${randomBytes(3).toString('hex')}`;
  // The development keyring, asked for explicitly: the assertions name its key id.
  const dev: PhiKey[] = loadConfig({ CLAIMTRAIL_DEV_SECRETS: '1' }).PHI_KEYS;
  let moduleRef: TestingModule;
  let db: DataSource;
  let members: MembersService;
  let payerId: string;
  let memberId: string;
  let claimId: string;

  const admin = async (sql: string) => {
    const c = new Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  const asPayer = () => ({ orgId: payerId, kind: 'payer' as const, keyId: 'test', scopes: [] });
  const storedValues = async (): Promise<string[]> => {
    const rows: { v: string }[] = await db.query(`
      SELECT full_name AS v FROM members UNION ALL SELECT birth_date FROM members
      UNION ALL SELECT phone FROM members WHERE phone IS NOT NULL
      UNION ALL SELECT signing_private_key FROM organizations
      UNION ALL SELECT note FROM claim_decisions WHERE note IS NOT NULL
      UNION ALL SELECT inputs FROM claim_decisions WHERE inputs IS NOT NULL`);
    return rows.map((r) => r.v);
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    process.env.DATABASE_URL = url.toString();
    process.env.QUEUE_PREFIX = queuePrefixFor(dbName);
    process.env.PHI_KEYS = DEV_PHI_KEYS;
    process.env.CLAIMTRAIL_DEV_SECRETS = '1';
    const migrator = await connectDataSource({
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: 2,
      PHI_KEYS: dev,
    });
    await migrator.runMigrations({ transaction: 'each' });
    await migrator.destroy();

    moduleRef = await Test.createTestingModule({ imports: [ClaimsModule] }).compile();
    await moduleRef.init();
    db = moduleRef.get(getDataSourceToken());
    members = moduleRef.get(MembersService);
    const orgs = moduleRef.get(OrganizationsService);
    payerId = (await orgs.create('payer', 'PHI Payer')).organization.id;
    const providerId = (await orgs.create('provider', 'PHI Clinic')).organization.id;
    const plan = await moduleRef.get(PlansService).create(payerId, 'PHI plan', {
      currency: 'KES',
      coverage: { start: '2026-01-01', end: '2026-12-31' },
      contractedProviders: [providerId],
      tariff: { 'CONS-GP': { unitPrice: 150000, category: 'outpatient' } },
      review: { threshold: 100000 },
    });
    const base = {
      planId: plan.plan.id,
      sex: 'F' as const,
      coverageStart: '2026-01-01',
      coverageEnd: '2026-12-31',
    };
    const enrolled = await members.enrol(payerId, [
      { ...base, memberNumber: 'PHI-1', fullName: NAME, birthDate: BIRTH, phone: PHONE },
      { ...base, memberNumber: 'PHI-2', fullName: 'Amina Hassan', birthDate: '1990-01-02' },
      {
        ...base,
        memberNumber: 'PHI-3',
        fullName: 'Otieno Odhiambo',
        birthDate: '1979-03-04',
        phone: '+254700000003',
      },
    ]);
    memberId = enrolled.find((m) => m.memberNumber === 'PHI-1')!.id;
    claimId = (
      await moduleRef.get(ClaimsService).submit(providerId, {
        externalRef: 'phi-1',
        payerId,
        memberNumber: 'PHI-1',
        serviceDate: '2026-05-02',
        currency: 'KES',
        diagnoses: ['J06.9'],
        lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: 150000 }],
      })
    ).id;
    expect(await moduleRef.get(AdjudicationService).adjudicateClaim(claimId)).toMatchObject({
      kind: 'decided',
    });
    await moduleRef.get(ReviewService).review(payerId, claimId, { action: 'approve', note: NOTE });
  });

  afterAll(async () => {
    configurePhiCipher({ PHI_KEYS: dev });
    await moduleRef?.get<Queue>(getQueueToken(QueueName.Adjudication)).obliterate({ force: true });
    await moduleRef?.close();
    if (process.env.KEEP_TEST_DB !== '1') await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  it('keeps name, birth date and phone out of every column of the member row', async () => {
    const [row] = await db.query(`SELECT * FROM members WHERE id = $1`, [memberId]);
    for (const text of rowText(row)) for (const secret of SECRETS) expect(text).not.toContain(secret);
    for (const column of ['full_name', 'birth_date', 'phone']) expect(row[column]).toMatch(/^v2\.dev\./);

    const member = await members.get(payerId, memberId);
    expect(member).toMatchObject({ fullName: NAME, birthDate: BIRTH, phone: PHONE, memberNumber: 'PHI-1' });
    expect((await db.query(`SELECT phone FROM members WHERE member_number = 'PHI-2'`))[0].phone).toBeNull();
  });

  it('stores no PEM for signing keys, and the ledger relay still signs with them', async () => {
    const rows: { k: string }[] = await db.query(`SELECT signing_private_key AS k FROM organizations`);
    for (const { k } of rows) {
      expect(k).toMatch(/^v2\.dev\./);
      expect(k).not.toMatch(/BEGIN|PRIVATE KEY/);
    }
    const pem = (await moduleRef.get(OrganizationsService).signingIdentity(payerId)).privateKeyPem;
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('ec');
    expect((await moduleRef.get(LedgerRelayService).drainOnce()).committed).toBeGreaterThanOrEqual(1);
  });

  it("keeps the reviewer's note and the decision inputs encrypted, and replay still works", async () => {
    const decisions = await db.query(`SELECT * FROM claim_decisions WHERE claim_id = $1`, [claimId]);
    const events = await db.query(`SELECT * FROM claim_events WHERE claim_id = $1`, [claimId]);
    expect(decisions).toHaveLength(2);
    for (const row of [...decisions, ...events]) {
      for (const text of rowText(row)) for (const secret of [BIRTH, NOTE]) expect(text).not.toContain(secret);
    }
    const view = await moduleRef.get(ClaimQueriesService).get(asPayer(), claimId);
    expect(view.decision?.note).toBe(NOTE);
    expect((await replayDecision(db, claimId)).identical).toBe(true);
  });

  it('migrates a database that already holds rows, down to plaintext and up to ciphertext again', async () => {
    // Undo every later migration first, then the PHI migration itself.
    for (;;) {
      const [last] = await db.query(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`);
      await db.undoLastMigration({ transaction: 'all' });
      if (last.name === 'PhiEncryption1764000004000') break;
    }
    const [plain] = await db.query(
      `SELECT full_name, birth_date::text AS birth_date, pg_typeof(birth_date)::text AS type FROM members WHERE id = $1`,
      [memberId],
    );
    expect(plain).toEqual({ full_name: NAME, birth_date: BIRTH, type: 'date' });
    const [inputs] = await db.query(
      `SELECT inputs FROM claim_decisions WHERE claim_id = $1 AND revision = 2`,
      [claimId],
    );
    expect(inputs.inputs.member.birthDate).toBe(BIRTH);

    await db.runMigrations({ transaction: 'all' });
    expect((await storedValues()).every((v) => v.startsWith('v2.dev.'))).toBe(true);
    expect(await members.get(payerId, memberId)).toMatchObject({
      fullName: NAME,
      birthDate: BIRTH,
      phone: null,
    });
    expect((await moduleRef.get(ClaimQueriesService).get(asPayer(), claimId)).decision?.note).toBe(NOTE);
    expect((await replayDecision(db, claimId)).identical).toBe(true);
    // The phone was dropped by the way down; enrolling again restores it.
    await members.enrol(payerId, [
      {
        memberNumber: 'PHI-1',
        planId: (await members.get(payerId, memberId)).planId,
        fullName: NAME,
        birthDate: BIRTH,
        phone: PHONE,
        sex: 'F',
        coverageStart: '2026-01-01',
        coverageEnd: '2026-12-31',
      },
    ]);
  });

  it('rotate-phi moves every value to a new key, after which the old key can go', async () => {
    const k2: PhiKey = { kid: 'k2', key: randomBytes(32) };
    // A value in the column-only format (written by a process of the previous release) is rebound too.
    const [phi2] = await db.query(`SELECT id, full_name FROM members WHERE member_number = 'PHI-2'`);
    const unbound = phiCipher().unbind(phi2.full_name, {
      column: 'members.full_name',
      row: rowKey([phi2.id]),
    });
    await db.query(`UPDATE members SET full_name = $1 WHERE id = $2`, [unbound, phi2.id]);
    configurePhiCipher({ PHI_KEYS: [k2, ...dev] });
    const total = (await storedValues()).length;

    const counts = await rotatePhi(db, { batchSize: 2 });
    expect(counts.map((c) => c.column).sort()).toEqual(ENCRYPTED);
    expect(counts.every((c) => c.remaining === 0)).toBe(true);
    expect(counts.reduce((n, c) => n + c.rotated, 0)).toBe(total);
    expect(counts.find((c) => c.column === 'members.full_name')?.rotated).toBe(3);
    expect((await storedValues()).every((v) => v.startsWith('v2.k2.'))).toBe(true);
    expect((await rotatePhi(db)).every((c) => c.rotated === 0 && c.remaining === 0)).toBe(true);

    configurePhiCipher({ PHI_KEYS: [k2] });
    expect(await members.get(payerId, memberId)).toMatchObject({
      fullName: NAME,
      birthDate: BIRTH,
      phone: PHONE,
    });
    expect((await moduleRef.get(ClaimQueriesService).get(asPayer(), claimId)).decision?.note).toBe(NOTE);
    expect((await replayDecision(db, claimId)).identical).toBe(true);
    const org = await db
      .getRepository(OrganizationEntity)
      .createQueryBuilder('o')
      .addSelect('o.signingPrivateKey')
      .where('o.id = :payerId', { payerId })
      .getOneOrFail();
    expect(org.signingPrivateKey).toContain('BEGIN PRIVATE KEY');

    configurePhiCipher({ PHI_KEYS: dev });
    await expect(members.get(payerId, memberId)).rejects.toThrow(
      /cannot decrypt members\.\w+ of row \["[0-9a-f-]+"\]: key id "k2" is not in PHI_KEYS/,
    );
  });
});
