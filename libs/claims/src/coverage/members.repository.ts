import type { Transaction } from '../platform/transactions';

/** A member enrolled in one of a payer's plans, with its personal fields in the clear. */
export interface Member {
  id: string;
  payerId: string;
  planId: string;
  memberNumber: string;
  /** The member's pseudonym: HMAC of payer and member number. */
  memberRef: string;
  fullName: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  phone: string | null;
  sex: 'F' | 'M' | 'X';
  status: 'active' | 'suspended' | 'terminated';
  coverageStart: string;
  coverageEnd: string;
  createdAt: Date;
}

/** A member as it is enrolled or renewed: everything but what the store assigns. */
export type MemberRow = Omit<Member, 'createdAt'>;

/** A member's identity as an enrolment reports it. */
export interface EnrolledMember {
  id: string;
  memberNumber: string;
}

/**
 * Members. Name, birth date and phone are sealed for the member's row id by the store; the
 * repository takes and gives them in the clear.
 */
export abstract class MembersRepository {
  /** Which of these plan ids are plans of this payer. */
  abstract ownPlanIds(payerId: string, planIds: readonly string[]): Promise<Set<string>>;
  /** The ids of this payer's members already enrolled under these member numbers, by member number. */
  abstract idsByMemberNumber(
    tx: Transaction,
    payerId: string,
    memberNumbers: readonly string[],
  ): Promise<Map<string, string>>;
  /**
   * Inserts the members in one statement, or, for a member number already enrolled with the payer,
   * replaces its plan, personal fields, coverage and status (keeping the row's id). Answers each
   * row's id as stored, which is not the given one when the member number was enrolled already.
   */
  abstract upsertMembers(tx: Transaction, rows: readonly MemberRow[]): Promise<EnrolledMember[]>;
  /** The payer's member; another payer's is not found. */
  abstract findMember(payerId: string, id: string): Promise<Member | null>;
}
