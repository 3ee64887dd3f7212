import {
  type EnrolledMember,
  type Member,
  type MemberRow,
  MembersRepository,
} from '../coverage/members.repository';
import type { Transaction } from '../platform/transactions';

/** Members in memory, for the use cases' specs. */
export class InMemoryMembersRepository extends MembersRepository {
  /** Members by id. */
  readonly members = new Map<string, Member>();
  /** Plans that exist, with their payer: plan id → payer id. */
  readonly plans = new Map<string, string>();
  /** Upsert statements run, each with its rows, for specs that count them. */
  readonly upserts: MemberRow[][] = [];
  /**
   * Called before each upsert, for specs that play a concurrent enrolment landing between the
   * read of known ids and the write.
   */
  beforeUpsert: () => void = () => {};

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  ownPlanIds(payerId: string, planIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(planIds.filter((id) => this.plans.get(id) === payerId)));
  }

  idsByMemberNumber(
    _tx: Transaction,
    payerId: string,
    memberNumbers: readonly string[],
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const m of this.members.values())
      if (m.payerId === payerId && memberNumbers.includes(m.memberNumber)) ids.set(m.memberNumber, m.id);
    return Promise.resolve(ids);
  }

  upsertMembers(_tx: Transaction, rows: readonly MemberRow[]): Promise<EnrolledMember[]> {
    this.beforeUpsert();
    this.upserts.push(rows.map((r) => ({ ...r })));
    return Promise.resolve(
      rows.map((row) => {
        const existing = [...this.members.values()].find(
          (m) => m.payerId === row.payerId && m.memberNumber === row.memberNumber,
        );
        // As ON CONFLICT … DO UPDATE: the stored row keeps its id (and reference and creation time).
        const stored: Member = existing
          ? { ...row, id: existing.id, memberRef: existing.memberRef, createdAt: existing.createdAt }
          : { ...row, createdAt: this.now() };
        this.members.set(stored.id, stored);
        return { id: stored.id, memberNumber: stored.memberNumber };
      }),
    );
  }

  findMember(payerId: string, id: string): Promise<Member | null> {
    const member = this.members.get(id);
    return Promise.resolve(member && member.payerId === payerId ? { ...member } : null);
  }
}
