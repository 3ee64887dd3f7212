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
}

/** An error the caller can act on, carrying a stable code and the offending fields. */
export class AppError extends DomainError {}

/** The resource does not exist or is not visible to the caller (the two are indistinguishable on purpose). */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super(AppErrorCode.NotFound, `${what} not found`);
  }
}
