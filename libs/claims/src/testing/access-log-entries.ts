import type { AccessLogEntry } from '../domain/access-log-chain';

/** An access-log entry for the specs: a claim read by nobody in particular, with `over` applied. */
export const accessLogEntry = (over: Partial<AccessLogEntry> = {}): AccessLogEntry => ({
  at: '2026-03-01T10:00:00.000Z',
  action: 'read_claim',
  organizationId: null,
  apiKeyId: null,
  userId: null,
  method: 'GET',
  route: '/v1/claims',
  status: 200,
  subjectIds: [],
  subjectCount: null,
  cursor: null,
  clientAddress: null,
  keyPrefix: null,
  requestId: null,
  detail: null,
  ...over,
});
