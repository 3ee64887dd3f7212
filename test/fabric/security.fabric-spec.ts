import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { dirname, join } from 'node:path';
import { EndorseError, type Contract } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import {
  assertFabricReachable,
  FabricLedger,
  LedgerError,
  verifyFabricProof,
  type FabricNetworkConfig,
  type FabricProofBundle,
  type TrustAnchor,
} from '@claimtrail/ledger';
import { enrol } from '@claimtrail/ledger/fabric/enrolment';
import { buildFabricProof } from '@claimtrail/ledger/proof/fabric/build-fabric-proof';
import { readEnvelope } from '@claimtrail/ledger/proof/fabric/fabric-block';
import type { FabricOrgKind } from '@claimtrail/ledger/fabric/network-config';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { fundRecord, paymentFor } from '@claimtrail/ledger/testing/fund-fixtures';
import { homeMadeCa, issueClientCertificate, type IssuingCa } from '@claimtrail/ledger/testing/fabric-ca';
import { FabricPeers, organizationCa } from './support/fabric-peers';

/**
 * Security of the Fabric deployment: each organization's CA is its own (the platform enrols
 * through it), the chaincode binds MSPs to kinds and org ids to MSPs, proofs are checked against
 * the verifier's own MSP roots and carry only their own transaction, and the peers reach the
 * chaincode server over mutual TLS.
 */
describe('Fabric security', () => {
  const run = Date.now().toString(36);
  let network: FabricNetworkConfig;
  let ledger: FabricLedger;
  let peers: FabricPeers;
  let trust: TrustAnchor;

  beforeAll(async () => {
    // No network is a failure, never a skip.
    network = await assertFabricReachable(process.env.FABRIC_NETWORK_CONFIG!);
    ledger = new FabricLedger(network);
    peers = new FabricPeers(network);
    trust = { version: 1, organizations: [], msps: await ledger.trustedMsps() };
  });

  afterAll(() => {
    peers?.close();
    ledger?.close();
  });

  /** The claimtrail contract through `kind`'s peer as a holder of `certPem` (claiming `mspId`). */
  function contractAs(kind: FabricOrgKind, certPem: string, privateKeyPem: string, mspId?: string): Contract {
    return peers
      .connectAs(kind, certPem, privateKeyPem, mspId)
      .getNetwork(network.channel)
      .getContract(network.chaincode);
  }

  /** A key pair and a certificate from `ca` with the given attributes. */
  async function certified(ca: IssuingCa, orgId: string, kind: string) {
    const keys = signingIdentity({ orgId, kind: kind as 'payer' });
    return {
      ...keys,
      certPem: await issueClientCertificate({ orgId, kind, publicKeyPem: keys.publicKeyPem }, ca),
    };
  }

  /** The chaincode's (or the peer's) refusal message of a failed endorsement. */
  async function refusal(attempt: Promise<unknown>): Promise<string> {
    const err: unknown = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EndorseError);
    const e = err as EndorseError;
    return [e.message, ...e.details.map((d) => d.message)].join(' | ');
  }

  describe('H5: organizations keep their own CA', () => {
    it('H5: the platform holds no CA key, only a registrar secret of each enrolment authority, which certifies one key per organization id', async () => {
      const description = JSON.parse(readFileSync(process.env.FABRIC_NETWORK_CONFIG!, 'utf8')) as {
        orgs: Record<string, Record<string, unknown>>;
      };
      for (const org of Object.values(description.orgs)) {
        expect(org).not.toHaveProperty('caKeyPath');
        expect(org).toHaveProperty('enrolment.url');
        // The reader identity's key is there (userKeyPath), the CA's is not.
        expect(JSON.stringify(org)).not.toMatch(/\/ca\/priv_sk/);
      }
      const payerOrg = network.orgs.payer;
      const endpoint = {
        url: payerOrg.enrolment!.url,
        secret: readFileSync(payerOrg.enrolment!.secretPath, 'utf8').trim(),
      };
      const first = signingIdentity({ orgId: `payer-h5-${run}`, kind: 'payer' });
      const certPem = await enrol(endpoint, first);
      // The authority, not the platform, decides the kind: the payer's says payer whatever is asked.
      expect(certPem).toContain('BEGIN CERTIFICATE');
      // Another key for the same organization id: refused, so the platform cannot re-key an organization.
      const other = signingIdentity({ orgId: first.orgId, kind: 'payer' });
      await expect(enrol(endpoint, other)).rejects.toThrow(/already enrolled with another key/);
      // The same key again is fine (every platform process enrols on start).
      await expect(enrol(endpoint, first)).resolves.toContain('BEGIN CERTIFICATE');
      await expect(enrol({ ...endpoint, secret: 'not-the-secret' }, first)).rejects.toBeInstanceOf(
        LedgerError,
      );
    });

    it("H5: a certificate issued by another MSP's CA is refused", async () => {
      // A clinic's CA issues a payer's attributes and its holder claims to be of PayerMSP.
      const forged = await certified(organizationCa(network.orgs.provider), `forged-${run}`, 'payer');
      const asPayerMsp = contractAs('payer', forged.certPem, forged.privateKeyPem, 'PayerMSP');
      const message = await refusal(
        asPayerMsp.submitTransaction(
          'RecordDecisions',
          JSON.stringify([decisionRecord({ payerId: forged.orgId })]),
        ),
      );
      expect(message).toMatch(
        /access denied|creator certificate is not valid|could not be validated|not valid/i,
      );

      // As a member of its own MSP, the clinic's CA cannot hand out a payer's role either.
      const asClinic = contractAs('provider', forged.certPem, forged.privateKeyPem);
      expect(await refusal(asClinic.submitTransaction('RegisterOrganization'))).toContain(
        'FORBIDDEN: members of ProviderMSP may not act as a payer organization',
      );
      expect(
        await refusal(
          asClinic.submitTransaction(
            'RecordDecisions',
            JSON.stringify([decisionRecord({ payerId: forged.orgId })]),
          ),
        ),
      ).toContain('FORBIDDEN: members of ProviderMSP may not act as a payer organization');
    });

    it('H5: a certificate of the wrong kind for its MSP is refused', async () => {
      // The payer MSP's own CA issuing a funder's role: the MSP stands for payers only.
      const funderFromPayerCa = await certified(
        organizationCa(network.orgs.payer),
        `funder-h5-${run}`,
        'funder',
      );
      const contract = contractAs('payer', funderFromPayerCa.certPem, funderFromPayerCa.privateKeyPem);
      expect(await refusal(contract.submitTransaction('RegisterOrganization'))).toContain(
        'FORBIDDEN: members of PayerMSP may not act as a funder organization',
      );
      expect(
        await refusal(
          contract.submitTransaction(
            'CreateFund',
            JSON.stringify(fundRecord({ funderId: funderFromPayerCa.orgId })),
          ),
        ),
      ).toContain('FORBIDDEN: members of PayerMSP may not act as a funder organization');
    });

    it("H5: an organization id bound to another MSP, an unregistered one, or another payer's is refused", async () => {
      const orgId = `squatted-${run}`;
      // A clinic registers the id first, under ProviderMSP.
      const clinic = await certified(organizationCa(network.orgs.provider), orgId, 'provider');
      await contractAs('provider', clinic.certPem, clinic.privateKeyPem).submitTransaction(
        'RegisterOrganization',
      );
      // A payer's certificate for the same id, from the payer's own CA: bound elsewhere.
      const payer = await certified(organizationCa(network.orgs.payer), orgId, 'payer');
      const asPayer = contractAs('payer', payer.certPem, payer.privateKeyPem);
      expect(await refusal(asPayer.submitTransaction('RegisterOrganization'))).toContain(
        `CONFLICT: organization '${orgId}' is already bound to ProviderMSP as a provider`,
      );
      expect(
        await refusal(
          asPayer.submitTransaction('RecordDecisions', JSON.stringify([decisionRecord({ payerId: orgId })])),
        ),
      ).toContain(
        `FORBIDDEN: organization '${orgId}' is bound to ProviderMSP as a provider, not to PayerMSP`,
      );

      // A payer certificate for an id nobody registered: refused until it is registered.
      const fresh = await certified(organizationCa(network.orgs.payer), `unregistered-${run}`, 'payer');
      const asFresh = contractAs('payer', fresh.certPem, fresh.privateKeyPem);
      expect(
        await refusal(
          asFresh.submitTransaction(
            'RecordDecisions',
            JSON.stringify([decisionRecord({ payerId: fresh.orgId })]),
          ),
        ),
      ).toContain(`FORBIDDEN: organization '${fresh.orgId}' is not registered to PayerMSP`);

      // Registered, it records its own decisions and never another payer's.
      await asFresh.submitTransaction('RegisterOrganization');
      await asFresh.submitTransaction(
        'RecordDecisions',
        JSON.stringify([decisionRecord({ payerId: fresh.orgId })]),
      );
      expect(
        await refusal(
          asFresh.submitTransaction(
            'RecordDecisions',
            JSON.stringify([decisionRecord({ payerId: `payer-h5-${run}` })]),
          ),
        ),
      ).toContain('PAYER_MISMATCH');
    });
  });

  describe('H4/H2: Fabric proofs', () => {
    const payer = signingIdentity({ orgId: `payer-proof-${run}`, kind: 'payer' });

    async function proofOf(claimId: string): Promise<FabricProofBundle> {
      return (await ledger.proveClaim(claimId)) as unknown as FabricProofBundle;
    }

    it("H4: a proof verifies against the MSP roots of the verifier's trust file, and not against any other root", async () => {
      const record = decisionRecord({ payerId: payer.orgId });
      await ledger.recordDecisions([record], payer);
      const proof = await proofOf(record.claimId);
      expect(verifyFabricProof(proof, trust)).toEqual({ ok: true });
      expect(await ledger.confirmProof(proof)).toEqual([]);

      // A verifier whose trust file names another root for PayerMSP does not accept it.
      const stranger = await homeMadeCa();
      const otherTrust: TrustAnchor = {
        ...trust,
        msps: trust.msps.map((m) =>
          m.mspId === 'PayerMSP' ? { ...m, rootCertsPem: [stranger.certPem] } : m,
        ),
      };
      expect(JSON.stringify(verifyFabricProof(proof, otherTrust))).toContain(
        'was not issued by a root of PayerMSP',
      );
      // Nor one that does not know the MSP at all.
      expect(JSON.stringify(verifyFabricProof(proof, { ...trust, msps: [] }))).toContain(
        'PayerMSP is not in the trust file',
      );
    });

    it('H4: a transaction signed and endorsed with home-made keys and certificates does not verify', async () => {
      const record = decisionRecord({ payerId: payer.orgId });
      await ledger.recordDecisions([record], payer);
      const proof = await proofOf(record.claimId);
      const forger = await homeMadeCa('PayerMSP CA');
      const peerKeys = signingIdentity({ orgId: 'peer0', kind: 'payer' });
      const peerCert = await issueClientCertificate(
        { orgId: 'peer0', kind: 'payer', publicKeyPem: peerKeys.publicKeyPem, ou: 'peer' },
        forger,
      );
      const forged = {
        ...proof,
        envelope: reEndorse(proof.envelope, 'PayerMSP', peerCert, peerKeys.privateKeyPem),
      };
      const result = JSON.stringify(verifyFabricProof(forged, trust));
      expect(result).toContain('"ok":false');
      expect(result).toContain('endorser: the certificate');
      expect(result).toContain("no payer MSP's peer endorsed the transaction");
    });

    it("H4: a payment drawing on a fund needs its funder's peer's endorsement", async () => {
      const funder = signingIdentity({ orgId: `funder-proof-${run}`, kind: 'funder' });
      const fund = fundRecord({ funderId: funder.orgId, budget: 1_000_000, deposit: 1_000_000 });
      await ledger.createFund(fund, funder);
      const decision = decisionRecord({ payerId: payer.orgId });
      await ledger.recordDecisions([decision], payer);
      await new Promise((r) => setTimeout(r, 500));
      await ledger.recordPayments([paymentFor(decision, fund.fundId)], payer);
      const proof = (await ledger.provePayment(decision.claimId)) as unknown as FabricProofBundle;
      expect(verifyFabricProof(proof, trust)).toEqual({ ok: true });

      // The same transaction with the funder's endorsement dropped.
      const dropped = { ...proof, envelope: dropEndorsements(proof.envelope, 'FunderMSP') };
      expect(JSON.stringify(verifyFabricProof(dropped, trust))).toContain(
        `fund ${fund.fundId} was written without the endorsement of its funder's peer (FunderMSP)`,
      );
    });

    it('H4: a transaction the peers marked invalid passes offline, and a trusted peer says it is invalid', async () => {
      // Two endorsements of the same new record before either commits: the second is an MVCC conflict.
      const record = decisionRecord({ payerId: payer.orgId });
      const contract = (await peers.as(payer)).getNetwork(network.channel).getContract(network.chaincode);
      const proposals = [0, 1].map(() =>
        contract.newProposal('RecordDecisions', { arguments: [JSON.stringify([record])] }),
      );
      const endorsed = await Promise.all(proposals.map((p) => p.endorse()));
      const statuses = [];
      for (const tx of endorsed) statuses.push(await (await tx.submit()).getStatus());
      const invalid = statuses.find((s) => !s.successful)!;
      expect(invalid).toBeDefined();
      const qscc = peers.reader('payer').getNetwork(network.channel).getContract('qscc');
      const processed = await qscc.evaluateTransaction(
        'GetTransactionByID',
        network.channel,
        invalid.transactionId,
      );
      const block = await qscc.evaluateTransaction('GetBlockByTxID', network.channel, invalid.transactionId);
      const envelope = peer.ProcessedTransaction.deserializeBinary(processed)
        .getTransactionenvelope()!
        .serializeBinary();
      const written = readEnvelope(envelope).writes.find((w) => w.key.includes(record.claimId))!;
      const proof = buildFabricProof({
        kind: 'decision',
        record: JSON.parse(written.value.toString('utf8')),
        channel: network.channel,
        chaincode: network.chaincode,
        processedTransaction: processed,
        block,
        head: await ledger.head(),
      });
      // Offline, nothing distinguishes it: the validity flag is in metadata no hash covers.
      expect(verifyFabricProof(proof, trust)).toEqual({ ok: true });
      expect((await ledger.confirmProof(proof)).join(' ')).toMatch(/marked the transaction invalid/);
    });

    it("H2: a proof carries its own transaction and the block header, never the block's other transactions", async () => {
      const other = signingIdentity({ orgId: `payer-other-${run}`, kind: 'payer' });
      // Both payers' transactions in one block (cut every 50 ms): try until they share one.
      let mine = decisionRecord({ payerId: payer.orgId });
      let theirs = decisionRecord({ payerId: other.orgId });
      await ledger.recordDecisions([decisionRecord({ payerId: other.orgId })], other);
      for (let attempt = 0; attempt < 10; attempt++) {
        mine = decisionRecord({ payerId: payer.orgId });
        theirs = decisionRecord({ payerId: other.orgId });
        const [[a], [b]] = await Promise.all([
          ledger.recordDecisions([mine], payer),
          ledger.recordDecisions([theirs], other),
        ]);
        if (a.blockNumber === b.blockNumber) break;
      }
      const proof = await proofOf(mine.claimId);
      const text = JSON.stringify(proof);
      expect(proof).not.toHaveProperty('block');
      expect(proof).not.toHaveProperty('processedTransaction');
      expect(text).not.toContain(theirs.claimId);
      expect(Buffer.from(text).toString('base64')).not.toContain(
        Buffer.from(theirs.claimId).toString('base64'),
      );
      for (const field of [proof.envelope, proof.blockHeader]) {
        expect(Buffer.from(field, 'base64').toString('latin1')).not.toContain(theirs.claimId);
      }
      expect(
        readEnvelope(Buffer.from(proof.envelope, 'base64'))
          .writes.map((w) => w.value.toString('utf8'))
          .join(),
      ).toContain(mine.claimId);
      expect(verifyFabricProof(proof, trust)).toEqual({ ok: true });
      expect(await ledger.confirmProof(proof)).toEqual([]);
    });
  });

  describe('M6: chaincode server', () => {
    const tlsDir = () => join(dirname(process.env.FABRIC_NETWORK_CONFIG!), 'chaincode-tls');

    /** Connects to the chaincode server over TLS; resolves 'open' if it is still open after 500 ms. */
    function tryTls(options: { cert?: string; key?: string }): Promise<string> {
      return new Promise((resolve) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: 9999,
          ca: readFileSync(join(tlsDir(), 'server', 'ca.crt')),
          ALPNProtocols: ['h2'],
          ...options,
        });
        let settled = false;
        const done = (v: string) => {
          if (settled) return;
          settled = true;
          socket.destroy();
          resolve(v);
        };
        socket.on('secureConnect', () => setTimeout(() => done('open'), 500));
        socket.on('error', (err) => done(`error: ${err.message}`));
        socket.on('close', () => done('closed'));
      });
    }

    it('M6: the peers reach the chaincode server over TLS with client certificates; no certificate, or one of no organization, is refused', async () => {
      // A peer's own TLS client certificate: accepted.
      const peerDir = join(tlsDir(), 'peer-payer');
      expect(
        await tryTls({
          cert: readFileSync(join(peerDir, 'client.crt'), 'utf8'),
          key: readFileSync(join(peerDir, 'client.key'), 'utf8'),
        }),
      ).toBe('open');
      // No client certificate: refused.
      expect(await tryTls({})).not.toBe('open');
      // A certificate from a CA none of the organizations runs: refused.
      const stranger = await homeMadeCa();
      const keys = signingIdentity({ orgId: 'stranger', kind: 'payer' });
      const cert = await issueClientCertificate(
        { orgId: 'stranger', kind: 'payer', publicKeyPem: keys.publicKeyPem },
        stranger,
      );
      expect(await tryTls({ cert, key: keys.privateKeyPem })).not.toBe('open');
      // And the peers do reach it: every peer's query goes through the chaincode.
      for (const kind of ['payer', 'provider', 'funder'] as const) {
        expect(await peers.evaluateOn(kind, 'GetClaimHistory', 'probe-m6')).toEqual([]);
      }
    });
  });
});

/** The envelope with its endorsements replaced by one of `certPem`'s (claiming `mspId`), correctly signed. */
function reEndorse(envelopeB64: string, mspId: string, certPem: string, keyPem: string): string {
  return editEndorsements(envelopeB64, (response) => {
    const endorser = new msp.SerializedIdentity();
    endorser.setMspid(mspId);
    endorser.setIdBytes(Buffer.from(certPem));
    const endorserBytes = endorser.serializeBinary();
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(endorserBytes);
    endorsement.setSignature(
      sign('sha256', Buffer.concat([Buffer.from(response), Buffer.from(endorserBytes)]), {
        key: createPrivateKey(keyPem),
        dsaEncoding: 'der',
      }),
    );
    return () => [endorsement];
  });
}

/** The envelope without the endorsements of `mspId`'s peers. */
function dropEndorsements(envelopeB64: string, mspId: string): string {
  return editEndorsements(
    envelopeB64,
    () => (list) =>
      list.filter((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid() !== mspId),
  );
}

function editEndorsements(
  envelopeB64: string,
  edit: (response: Uint8Array) => (list: peer.Endorsement[]) => peer.Endorsement[],
): string {
  const envelope = common.Envelope.deserializeBinary(Buffer.from(envelopeB64, 'base64'));
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction()!;
    endorsed.setEndorsementsList(
      edit(endorsed.getProposalResponsePayload_asU8())(endorsed.getEndorsementsList()),
    );
    actionPayload.setAction(endorsed);
    action.setPayload(actionPayload.serializeBinary());
  }
  payload.setData(transaction.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  return Buffer.from(envelope.serializeBinary()).toString('base64');
}
