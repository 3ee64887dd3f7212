import { DomainError } from '../domain';

/** Codes of errors raised by the application services; the HTTP filter maps each to a status. */
export enum AppErrorCode {
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  ExternalRefConflict = 'external_ref_conflict',
  UnknownMember = 'unknown_member',
  UnknownServiceCode = 'unknown_service_code',
  UnknownPlan = 'unknown_plan',
  NoPlanVersion = 'no_plan_version',
  InvalidState = 'invalid_state',
  DuplicateMember = 'duplicate_member',
  UnknownProvider = 'unknown_provider',
  InvalidCursor = 'invalid_cursor',
  InvalidResubmission = 'invalid_resubmission',
  InvalidReview = 'invalid_review',
  /** The decision being paid is not on the ledger yet (the relay has not written it): retry later. */
  DecisionNotOnLedger = 'decision_not_on_ledger',
  /** PostgreSQL's decision differs from the ledger's record of it; the fields are named. */
  LedgerMismatch = 'ledger_mismatch',
  /** The ledger's store holds data its own chain does not vouch for; nothing was done on it. */
  LedgerIntegrity = 'ledger_integrity',
  /** The decision approves nothing, so there is no payment to make. */
  NothingToPay = 'nothing_to_pay',
  /** The payer's payment reference already names a payment of another claim. */
  PaymentRefConflict = 'payment_ref_conflict',
  /** A deposit or top-up would bring a fund's deposits above its budget. */
  BudgetExceeded = 'budget_exceeded',
  /** The key is in its rotation grace period: its replacement is the key to rotate. */
  KeyInGracePeriod = 'key_in_grace_period',
  /** The organization already holds MAX_KEYS_PER_ORGANIZATION active keys. */
  KeyLimitReached = 'key_limit_reached',
  /** Scopes a key of this organization's kind cannot hold. */
  InvalidScopes = 'invalid_scopes',
  /** The organization's own keys may not revoke its last admin-scoped key: it could manage no key after. */
  LastAdminKey = 'last_admin_key',
  /** Recovery issues an admin key only to an organization left without one. */
  AdminKeyExists = 'admin_key_exists',
  /** The organization sent more requests than RATE_LIMIT_PER_MINUTE allows. */
  RateLimited = 'rate_limited',
  /** A claim holds a value the database refused to store; the claims submitted with it are unaffected. */
  UnstorableClaim = 'unstorable_claim',
  /** A service or birth date after today, wherever on earth the sender is. */
  DateInFuture = 'date_in_future',
}

/** An error the caller can act on, carrying a stable code and the offending fields. */
export class AppError extends DomainError {}

/** A refusal that the same request may overcome later: answered with `Retry-After`. */
export class RetryLaterError extends AppError {
  constructor(
    code: AppErrorCode,
    message: string,
    details: { field?: string; rule?: string }[],
    /** Seconds after which retrying is worthwhile. */
    readonly retryAfterSeconds: number,
  ) {
    super(code, message, details);
  }
}

/** The resource does not exist or is not visible to the caller (the two are indistinguishable on purpose). */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super(AppErrorCode.NotFound, `${what} not found`);
  }
}
