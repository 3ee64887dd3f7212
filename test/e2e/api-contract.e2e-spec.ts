import { apiClient, expectStatus, type ApiClient } from '../support/api-client';
import { buildScenario, consultationClaim, TARIFF, type Scenario } from '../support/scenario';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * Every operation of the OpenAPI document, answered at least once through the typed client, which
 * fails a request whose answer (status, media type, body) the document does not declare: what the
 * API answers and what its document says cannot drift apart unnoticed.
 */
describe('the API answers as its OpenAPI document says', () => {
  let stack: Stack;
  let s: Scenario;
  let asPayer: ApiClient;
  let asProvider: ApiClient;
  const tag = `api${Date.now().toString(36)}`;
  const reviewed = `R-${tag}`;
  let day = 0;
  const nextDate = () => new Date(Date.UTC(2026, 1, 1) + day++ * 86_400_000).toISOString().slice(0, 10);

  const claimView = async (id: string) =>
    expectStatus(await asPayer.GET('/v1/claims/{id}', { params: { path: { id } } }), 200);
  const onLedger = (id: string, revision = 1) =>
    eventually(
      async () => {
        const view = await claimView(id);
        return view.ledger && view.revision >= revision ? view : undefined;
      },
      60_000,
      `claim ${id} revision ${revision} on the ledger`,
    );

  beforeAll(async () => {
    stack = await startStack();
    s = await buildScenario(stack.baseUrl, tag);
    asPayer = apiClient(stack.baseUrl, s.payer.key);
    asProvider = apiClient(stack.baseUrl, s.providers[0].key);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('organizations, their published keys and their API keys, and the problems of a bad key', async () => {
    const org = { params: { path: { id: s.payer.id } } };
    expect(expectStatus(await asPayer.GET('/v1/organizations/{id}/public-key', org), 200)).toMatchObject({
      id: s.payer.id,
      kind: 'payer',
    });
    const issued = expectStatus(
      await asPayer.POST('/v1/organizations/{id}/keys', {
        ...org,
        body: { label: 'contract check', scopes: ['claims:read'] },
      }),
      201,
    );
    const keys = expectStatus(await asPayer.GET('/v1/organizations/{id}/keys', org), 200);
    expect(keys.map((k) => k.id)).toContain(issued.id);
    const rotated = expectStatus(
      await asPayer.POST('/v1/organizations/{id}/keys/{keyId}/rotate', {
        params: { path: { id: s.payer.id, keyId: issued.id } },
        body: {},
      }),
      201,
    );
    expect(rotated.previous.id).toBe(issued.id);
    const revoked = expectStatus(
      await asPayer.POST('/v1/organizations/{id}/keys/{keyId}/revoke', {
        params: { path: { id: s.payer.id, keyId: rotated.current.id } },
      }),
      200,
    );
    expect(revoked.revokedAt).not.toBeNull();

    const none = await apiClient(stack.baseUrl).GET('/v1/organizations/{id}/keys', org);
    expect(none.response.status).toBe(401);
    const notPayer = await asProvider.GET('/v1/plans/{id}', { params: { path: { id: s.planId } } });
    expect(notPayer.response.status).toBe(403);
    const unknown = await asPayer.GET('/v1/organizations/{id}/public-key', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(unknown.response.status).toBe(404);
    const notAnId = await asPayer.GET('/v1/organizations/{id}/public-key', { params: { path: { id: 'x' } } });
    expect(notAnId.error?.errors).toEqual([{ field: 'id', rule: expect.any(String) }]);
  });

  it('plans and their versions, members, and a rule set refused path by path', async () => {
    const ruleSet = {
      currency: 'KES',
      coverage: { start: '2026-01-01', end: '2026-12-31' },
      contractedProviders: [s.providers[0].id],
      tariff: TARIFF,
      review: { samplingPercent: 100 },
    };
    const plan = expectStatus(
      await asPayer.POST('/v1/plans', { body: { name: `Reviewed ${tag}`, ruleSet } }),
      201,
    );
    const v2 = expectStatus(
      await asPayer.POST('/v1/plans/{id}/versions', {
        params: { path: { id: plan.id } },
        body: { ruleSet: { ...ruleSet, submissionDeadlineDays: 3000 } },
      }),
      201,
    );
    expect(v2.version).toBe(2);
    const read = expectStatus(
      await asPayer.GET('/v1/plans/{id}', { params: { path: { id: plan.id } } }),
      200,
    );
    expect(read.versions.map((v) => v.ruleSet.review)).toEqual([
      { samplingPercent: 100 },
      { samplingPercent: 100 },
    ]);
    const refused = await asPayer.POST('/v1/plans/{id}/versions', {
      params: { path: { id: plan.id } },
      body: { ruleSet: { ...ruleSet, coverage: { start: '2026-12-31', end: '2026-01-01' } } },
    });
    expect(refused.response.status).toBe(422);
    expect(refused.error?.errors).toEqual([{ field: 'ruleSet.coverage.end', rule: expect.any(String) }]);

    const enrolment = expectStatus(
      await asPayer.POST('/v1/members', {
        body: {
          members: [
            {
              memberNumber: reviewed,
              planId: plan.id,
              fullName: 'Achieng Otieno',
              birthDate: '1995-05-05',
              sex: 'F',
              coverageStart: '2026-01-01',
              coverageEnd: '2026-12-31',
            },
          ],
        },
      }),
      201,
    );
    const member = expectStatus(
      await asPayer.GET('/v1/members/{id}', { params: { path: { id: enrolment.members[0].id } } }),
      200,
    );
    expect(member).toMatchObject({ memberNumber: reviewed, planId: plan.id, phone: null });
  });

  it('claims: submission alone and in a batch, the list, a review, a void and a refused ledger retry', async () => {
    const submitted = expectStatus(
      await asProvider.POST('/v1/claims', {
        body: consultationClaim(s, `${tag}-review`, { memberNumber: reviewed, serviceDate: nextDate() }),
      }),
      202,
    );
    const pended = await eventually(
      async () => ((await claimView(submitted.id)).status === 'pended' ? true : undefined),
      60_000,
      'claim pended for review',
    );
    expect(pended).toBe(true);
    const review = await asPayer.POST('/v1/claims/{id}/review', {
      params: { path: { id: submitted.id } },
      body: { action: 'approve', note: 'checked' },
    });
    expect(expectStatus(review, 200)).toMatchObject({ id: submitted.id, status: 'approved', revision: 2 });
    const decided = await onLedger(submitted.id, 2);
    expect(decided.decision).toMatchObject({ status: 'approved', note: 'checked', revision: 2 });

    const batch = await asProvider.POST('/v1/claims/batch', {
      body: {
        claims: [
          consultationClaim(s, `${tag}-b1`, { serviceDate: nextDate() }),
          consultationClaim(s, `${tag}-b2`, { memberNumber: 'NOBODY-1', serviceDate: nextDate() }),
        ],
      },
    });
    expect(expectStatus(batch, 207).results.map((r) => r.ok)).toEqual([true, false]);

    const page = await asPayer.GET('/v1/claims', { params: { query: { limit: 2, status: 'approved' } } });
    expect(expectStatus(page, 200).items.length).toBeGreaterThan(0);

    // Voided if the worker has not taken it yet; otherwise refused as not allowed in its state.
    const toVoid = expectStatus(
      await asProvider.POST('/v1/claims', {
        body: consultationClaim(s, `${tag}-void`, { serviceDate: nextDate() }),
      }),
      202,
    );
    const voided = await asProvider.POST('/v1/claims/{id}/void', { params: { path: { id: toVoid.id } } });
    expect([200, 409]).toContain(voided.response.status);

    const retry = await asPayer.POST('/v1/claims/{id}/ledger-retry', {
      params: { path: { id: submitted.id } },
    });
    expect(retry.response.status).toBe(409);
    expect(retry.error?.type).toBe('urn:claimtrail:problem:invalid-state');
  });

  it('funds, payments, reports, proofs, the ledger and the access log', async () => {
    const asFunder = apiClient(stack.baseUrl, s.funder.key);
    const fund = expectStatus(
      await asFunder.POST('/v1/funds', {
        body: {
          name: `Contract fund ${tag}`,
          currency: 'KES',
          budget: 2_000_000,
          deposit: 1_000_000,
          period: { start: '2026-01-01', end: '2026-12-31' },
          earmarks: { payerIds: [s.payer.id] },
        },
      }),
      201,
    );
    const fundPath = { params: { path: { id: fund.id } } };
    expect(expectStatus(await asFunder.GET('/v1/funds'), 200).map((f) => f.id)).toContain(fund.id);
    expect(expectStatus(await asFunder.GET('/v1/funds/{id}', fundPath), 200).total).toBe(1_000_000);
    const topped = await asFunder.POST('/v1/funds/{id}/top-ups', {
      ...fundPath,
      body: { amount: 1_000_000 },
    });
    expect(expectStatus(topped, 201).total).toBe(2_000_000);

    const ids: string[] = [];
    for (const ref of ['p1', 'p2']) {
      const r = await asProvider.POST('/v1/claims', {
        body: consultationClaim(s, `${tag}-${ref}`, { serviceDate: nextDate() }),
      });
      ids.push(expectStatus(r, 202).id);
    }
    for (const id of ids) await onLedger(id);
    const paid = await asPayer.POST('/v1/claims/{id}/payments', {
      params: { path: { id: ids[0] } },
      body: {},
    });
    expect(expectStatus(paid, 201)).toMatchObject({ claimId: ids[0], status: 'paid' });
    const batch = await asPayer.POST('/v1/payments/batch', {
      body: { payments: [{ claimId: ids[1] }, { claimId: ids[0], paymentRef: 'elsewhere' }] },
    });
    expect(expectStatus(batch, 201).results.map((r) => r.ok)).toEqual([true, false]);

    const report = expectStatus(
      await asFunder.GET('/v1/funds/{id}/report', {
        ...fundPath,
        params: { ...fundPath.params, query: { format: 'json' } },
      }),
      200,
    );
    expect(report.fundId).toBe(fund.id);

    expectStatus(await apiClient(stack.baseUrl).GET('/v1/ledger/trust'), 200);
    expect(expectStatus(await asFunder.GET('/v1/ledger/head'), 200).height).toBeGreaterThan(0);
    const proofOf = (record: 'decision' | 'payment') =>
      asFunder.GET('/v1/ledger/claims/{id}/proof', { params: { path: { id: ids[0] }, query: { record } } });
    expect(expectStatus(await proofOf('decision'), 200).kind).toBe('decision');
    const paymentProof = await eventually(
      async () => {
        const r = await proofOf('payment');
        return r.response.status === 200 ? r.data : undefined;
      },
      60_000,
      'payment proof',
    );
    expect(paymentProof.kind).toBe('payment');

    const log = await apiClient(stack.baseUrl, s.operatorKey).GET('/v1/access-log', {
      params: { query: { claimId: ids[0], limit: 5 } },
    });
    expect(expectStatus(log, 200).length).toBeGreaterThan(0);
  });
});
