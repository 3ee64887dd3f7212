import type { DataSource } from 'typeorm';
import { privateLedger, testLedger, trustOf } from '../../support/ledger-database';
import { EmbeddedLedger, verifyProofBundle, type SigningIdentity } from '@claimtrail/ledger';
import { canonicalBytes } from '@claimtrail/chaincode/canonical-json';
import { computeBlockHash } from '@claimtrail/ledger/chain/block-header';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { fundRecord, paymentFor } from '@claimtrail/ledger/testing/fund-fixtures';
import { forkProblems } from '../../../apps/cli/src/kept-heads';

const utf8 = (key: string) => Buffer.from(key, 'utf8');
const claimKey = (claimId: string, revision = 1) =>
  utf8(`\u0000claim\u0000${claimId}\u0000${String(revision).padStart(10, '0')}\u0000`);
const fundKey = (fundId: string) => utf8(`\u0000fund\u0000${fundId}\u0000`);

/**
 * What an insider with write access to PostgreSQL can do to the embedded ledger's tables, and how
 * the ledger answers: a state row the chain does not vouch for fails every read of it, and the
 * chain check names the first key or block that differs. Each case runs on a ledger of its own.
 */
describe('Embedded ledger: world state bound to its chain', () => {
  let db: DataSource;
  let ledger: EmbeddedLedger;
  let drop: () => Promise<void>;
  const payer: SigningIdentity = signingIdentity({ orgId: 'payer-integrity' });
  const funder: SigningIdentity = signingIdentity({ orgId: 'funder-integrity', kind: 'funder' });

  beforeEach(async () => {
    ({ db, ledger, drop } = await privateLedger('ledger_state_integrity'));
  });
  afterEach(() => drop());

  /** A fresh ledger on the same tables: nothing verified in memory yet. */
  const coldLedger = () => testLedger(db);

  async function paidClaim() {
    const fund = fundRecord({ funderId: funder.orgId });
    await ledger.createFund(fund, funder);
    const decision = decisionRecord({ payerId: payer.orgId });
    await ledger.recordDecisions([decision], payer);
    return { fund, decision };
  }

  it('refuses to pay on a decision whose approved amount was raised in the world state', async () => {
    const { fund, decision } = await paidClaim();
    const [row] = (await db.query('SELECT value FROM ledger_state WHERE key = $1', [
      claimKey(decision.claimId),
    ])) as { value: Buffer }[];
    const stored = JSON.parse(row.value.toString('utf8'));
    stored.totals.approved += 1_000_000;
    stored.lines[0].approved += 1_000_000;
    await db.query('UPDATE ledger_state SET value = $2 WHERE key = $1', [
      claimKey(decision.claimId),
      canonicalBytes(stored),
    ]);

    for (const reader of [ledger, coldLedger()]) {
      const inflated = { ...decision, totals: stored.totals, lines: stored.lines };
      await expect(reader.recordPayments([paymentFor(inflated, fund.fundId)], payer)).rejects.toMatchObject({
        code: 'INTEGRITY_VIOLATION',
      });
      await expect(reader.getClaimHistory(decision.claimId)).rejects.toThrow(
        `world state claim:${decision.claimId}:0000000001 is not vouched for by the chain: the stored value is not the one transaction`,
      );
    }
    expect(await ledger.getFund(fund.fundId)).toMatchObject({ allocated: 0 });
    expect(await ledger.getPayment(decision.claimId)).toBeNull();
    expect(await ledger.checkChain()).toMatchObject({
      ok: false,
      firstBadState: {
        key: `claim:${decision.claimId}:0000000001`,
        reason: expect.stringContaining('the stored value is not the one'),
      },
    });
  });

  it('refuses a state row that names another transaction than the one that wrote it', async () => {
    const { fund, decision } = await paidClaim();
    await db.query(
      `UPDATE ledger_state SET (tx_id, block_number) =
         (SELECT tx_id, block_number FROM ledger_state WHERE key = $2) WHERE key = $1`,
      [claimKey(decision.claimId), fundKey(fund.fundId)],
    );
    await expect(coldLedger().getClaimHistory(decision.claimId)).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
      message: expect.stringContaining('did not write this key'),
    });
    expect((await ledger.checkChain()).firstBadState?.key).toBe(`claim:${decision.claimId}:0000000001`);
  });

  it('names a deleted state row and one rolled back to an older value', async () => {
    const { fund, decision } = await paidClaim();
    const [{ tx_id: createdBy, block_number: createdIn, value: created }] = (await db.query(
      'SELECT tx_id, block_number, value FROM ledger_state WHERE key = $1',
      [fundKey(fund.fundId)],
    )) as { tx_id: string; block_number: string; value: Buffer }[];
    await ledger.recordPayments([paymentFor(decision, fund.fundId)], payer);
    expect(await ledger.checkChain()).toMatchObject({ ok: true });
    const [latest] = (await db.query('SELECT value, tx_id, block_number FROM ledger_state WHERE key = $1', [
      fundKey(fund.fundId),
    ])) as { tx_id: string; block_number: string; value: Buffer }[];
    const setFund = (row: { tx_id: string; block_number: string; value: Buffer }) =>
      db.query('UPDATE ledger_state SET value = $2, tx_id = $3, block_number = $4 WHERE key = $1', [
        fundKey(fund.fundId),
        row.value,
        row.tx_id,
        row.block_number,
      ]);

    // The fund as it was before the payment: a genuine value, but not the latest one.
    await setFund({ value: created, tx_id: createdBy, block_number: createdIn });
    expect(await ledger.checkChain()).toMatchObject({
      ok: false,
      firstBadState: {
        key: `fund:${fund.fundId}`,
        reason: expect.stringMatching(
          /^the state holds the value of block \d+, but transaction .* wrote it later$/,
        ),
      },
    });

    await setFund(latest);
    expect(await ledger.checkChain()).toMatchObject({ ok: true });
    await db.query('DELETE FROM ledger_state WHERE key = $1', [claimKey(decision.claimId)]);
    expect((await ledger.checkChain()).firstBadState).toEqual({
      key: `claim:${decision.claimId}:0000000001`,
      reason: expect.stringContaining('wrote it, but the state does not hold it'),
    });
  });

  it.each([
    ['a millisecond', "created_at + interval '1 millisecond'"],
    ['a microsecond', "created_at + interval '1 microsecond'"],
  ])('names a block whose timestamp moved by %s, and proves nothing through it', async (_name, moved) => {
    const { decision } = await paidClaim();
    const [{ number }] = (await db.query(`SELECT block_number AS number FROM ledger_state WHERE key = $1`, [
      claimKey(decision.claimId),
    ])) as { number: string }[];
    expect(verifyProofBundle(await ledger.proveClaim(decision.claimId), trustOf(payer, funder))).toEqual({
      ok: true,
    });
    await db.query(`UPDATE ledger_blocks SET created_at = ${moved} WHERE number = $1`, [number]);

    expect(await ledger.checkChain()).toMatchObject({
      ok: false,
      firstBadBlock: { number: Number(number), reason: 'the block hash does not match its contents' },
    });
    await expect(coldLedger().proveClaim(decision.claimId)).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
    });
    await expect(coldLedger().getClaimHistory(decision.claimId)).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
      message: expect.stringContaining(`its block ${number} does not verify`),
    });
  });

  it.each([
    [
      'result',
      `jsonb_set(result::jsonb, '{results,0,outcome}', '"unchanged"')::text`,
      'signature does not verify',
    ],
    ['events', `'[]'`, 'signature does not verify'],
    ['args_hash', `sha256('forged')`, 'digests stored beside its arguments, result and events do not match'],
    [
      'result_hash',
      `sha256('forged')`,
      'digests stored beside its arguments, result and events do not match',
    ],
  ])('names the block of a transaction whose %s was edited', async (column, edited, reason) => {
    const { decision } = await paidClaim();
    await db.query(
      `UPDATE ledger_transactions SET ${column} = ${edited}
        WHERE tx_id = (SELECT tx_id FROM ledger_state WHERE key = $1)`,
      [claimKey(decision.claimId)],
    );
    const check = await ledger.checkChain();
    expect(check.ok).toBe(false);
    expect(check.firstBadBlock?.reason).toContain(reason);
  });

  it('refuses to read state written by a transaction whose write set or signed digests were edited', async () => {
    const { decision } = await paidClaim();
    const [{ tx_id: txId, write_set: writes, result }] = (await db.query(
      'SELECT tx_id, write_set, result FROM ledger_transactions WHERE tx_id = (SELECT tx_id FROM ledger_state WHERE key = $1)',
      [claimKey(decision.claimId)],
    )) as { tx_id: string; write_set: string; result: string }[];
    const edit = (set: string, ...params: unknown[]) =>
      db.query(`UPDATE ledger_transactions SET ${set} WHERE tx_id = $1`, [txId, ...params]);
    // The result and events are not needed to vouch for the state: their edit is the chain check's to find.
    await edit(`result = '{}'`);
    expect(await coldLedger().getClaimHistory(decision.claimId)).toHaveLength(1);
    const checked = await coldLedger().checkChain(trustOf(payer, funder));
    expect(checked).toMatchObject({ ok: false });
    expect(JSON.stringify(checked)).toContain('result');
    await edit('result = $2', result);

    await edit(`write_set = replace(write_set, '"valueHash":"', '"valueHash":"0')`);
    await expect(coldLedger().getClaimHistory(decision.claimId)).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
      message: expect.stringContaining('signature does not verify'),
    });
    await edit('write_set = $2', writes);
    expect(await coldLedger().getClaimHistory(decision.claimId)).toHaveLength(1);
    await edit(`result_hash = sha256('forged')`);
    await expect(coldLedger().getClaimHistory(decision.claimId)).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
    });
  });
});

/** The incremental check a reconciler runs every few seconds, against edits made between two runs. */
describe('Embedded ledger: incremental integrity check', () => {
  let db: DataSource;
  let ledger: EmbeddedLedger;
  let drop: () => Promise<void>;
  const payer: SigningIdentity = signingIdentity({ orgId: 'payer-incremental' });

  beforeEach(async () => {
    ({ db, ledger, drop } = await privateLedger('ledger_incremental'));
  });
  afterEach(() => drop());

  async function recorded(n: number) {
    const decisions = Array.from({ length: n }, () => decisionRecord({ payerId: payer.orgId }));
    for (const d of decisions) await ledger.recordDecisions([d], payer);
    return decisions;
  }

  it('starts with a full check, then checks only what was appended or rewritten since', async () => {
    await recorded(3);
    const first = await ledger.checkIntegrity(null);
    expect(first).toMatchObject({ full: true, blocksChecked: 4, problems: [] });
    await recorded(2);
    const second = await ledger.checkIntegrity(first.cursor);
    expect(second).toMatchObject({ full: false, problems: [] });
    expect(second.cursor.anchor.number).toBe(5);
    expect(await ledger.checkIntegrity(second.cursor)).toMatchObject({ full: false, problems: [] });
  });

  it.each<[string, string, RegExp]>([
    [
      'a block timestamp',
      `UPDATE ledger_blocks SET created_at = created_at - interval '1 day' WHERE number = 2`,
      /^block:2$/,
    ],
    [
      'a transaction result',
      `UPDATE ledger_transactions SET result = '{"results":[]}' WHERE block_number = 1`,
      /^block:1$/,
    ],
    [
      'a world-state value',
      `UPDATE ledger_state SET value = convert_to(replace(convert_from(value, 'UTF8'), '"approved":270000', '"approved":970000'), 'UTF8')
        WHERE block_number = 3`,
      /^state:claim:/,
    ],
  ])('names %s edited after the last check', async (_name, edit, subject) => {
    await recorded(3);
    const { cursor } = await ledger.checkIntegrity(null);
    await db.query(edit);
    const check = await ledger.checkIntegrity(cursor);
    expect(check.full).toBe(false);
    expect(check.problems.map((p) => p.subject)).toEqual([expect.stringMatching(subject)]);
  });

  it('names a history rewritten consistently from an old block to the head', async () => {
    await recorded(3);
    const { cursor } = await ledger.checkIntegrity(null);
    // The forger moves block 1's timestamp and rehashes every block after it, links included.
    const blocks = (await db.query(
      `SELECT number, previous_hash, merkle_root, tx_count,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts
         FROM ledger_blocks ORDER BY number`,
    )) as { number: string; previous_hash: Buffer; merkle_root: Buffer; tx_count: number; ts: string }[];
    let previous = blocks[0].previous_hash.toString('hex');
    for (const b of blocks) {
      const moved = Number(b.number) === 1 ? new Date(Date.parse(b.ts) - 60_000).toISOString() : b.ts;
      const hash = computeBlockHash({
        number: Number(b.number),
        previousHash: previous,
        merkleRoot: b.merkle_root.toString('hex'),
        txCount: b.tx_count,
        timestamp: moved,
      });
      await db.query(
        'UPDATE ledger_blocks SET previous_hash = $2, hash = $3, created_at = $4 WHERE number = $1',
        [b.number, Buffer.from(previous, 'hex'), Buffer.from(hash, 'hex'), moved],
      );
      previous = hash;
    }
    await db.query('UPDATE ledger_head SET block_hash = $1', [Buffer.from(previous, 'hex')]);

    const check = await ledger.checkIntegrity(cursor);
    expect(check.problems).toContainEqual({
      subject: `block:${cursor.anchor.number}`,
      reason: expect.stringContaining('history was rewritten'),
      claimIds: [],
    });
  });
});

/**
 * An insider who holds what the database holds — an organization's signing key among it — and
 * rewrites the newest blocks consistently: deletes them, moves the head back and records a
 * different decision in their place, signed with that key. Every hash links and every signature
 * verifies, so nothing inside the database can tell; the head a verifier kept outside it can.
 */
describe('Embedded ledger: a forger with the keys the database holds', () => {
  let db: DataSource;
  let ledger: EmbeddedLedger;
  let drop: () => Promise<void>;
  const payer: SigningIdentity = signingIdentity({ orgId: 'payer-forged' });

  beforeEach(async () => {
    ({ db, ledger, drop } = await privateLedger('ledger_forger'));
  });
  afterEach(() => drop());

  it('re-signs and re-hashes to the head unseen by the chain check and a proof; a kept head names the fork', async () => {
    await ledger.recordDecisions([decisionRecord({ payerId: payer.orgId })], payer);
    const victim = decisionRecord({ payerId: payer.orgId });
    await ledger.recordDecisions([victim], payer);
    const trust = trustOf(payer);
    // A verifier checks the genuine proof and keeps the signed head it ends at (`claimtrail verify`).
    const genuine = (await ledger.proveClaim(victim.claimId))!;
    expect(verifyProofBundle(genuine, trust)).toEqual({ ok: true });
    const kept = { version: 1 as const, heads: [genuine.head] };

    // The owner of the tables lifts their append-only triggers and takes the last block back.
    const [{ number: last }] = (await db.query(`SELECT max(number)::int AS number FROM ledger_blocks`)) as {
      number: number;
    }[];
    for (const table of ['ledger_blocks', 'ledger_transactions'])
      await db.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await db.query(
      `UPDATE ledger_head SET block_number = number, block_hash = hash FROM ledger_blocks WHERE number = $1`,
      [last - 1],
    );
    await db.query(`DELETE FROM ledger_state WHERE block_number = $1`, [last]);
    await db.query(`DELETE FROM ledger_checkpoints WHERE block_number = $1`, [last]);
    await db.query(`DELETE FROM ledger_transactions WHERE block_number = $1`, [last]);
    await db.query(`DELETE FROM ledger_blocks WHERE number = $1`, [last]);
    // ... and records the decision again, a million richer, signed with the payer's key.
    const more = 1_000_000;
    const { totals } = victim;
    const inflated = {
      ...victim,
      totals: {
        ...totals,
        claimed: totals.claimed + more,
        eligible: totals.eligible + more,
        approved: totals.approved + more,
      },
      lines: victim.lines.map((l, i) =>
        i === 0 ? { ...l, claimed: l.claimed + more, approved: l.approved + more } : l,
      ),
    };
    await testLedger(db).recordDecisions([inflated], payer);

    // Inside the database everything agrees: the chain check against the pinned keys, and a proof.
    const cold = testLedger(db);
    expect(await cold.checkChain(trust)).toMatchObject({ ok: true });
    const forged = (await cold.proveClaim(victim.claimId))!;
    expect(forged.record.totals.approved).toBe(victim.totals.approved + 1_000_000);
    expect(verifyProofBundle(forged, trust)).toEqual({ ok: true });
    // Outside it, the head the verifier kept names the rewritten block.
    expect(forkProblems(forged, kept, trust.ledgerHeadKeyPem!)).toEqual([
      expect.stringContaining(`FORK: the ledger signed block ${last}`),
    ]);
  });
});
