import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { memberRef } from '../domain';
import { latestDateOnEarth } from '../domain/dates';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { type Transaction, Transactions } from '../platform/transactions';
import { type EnrolledMember, type Member, MembersRepository } from './members.repository';

/** One member in a bulk enrolment. */
export interface EnrolMember {
  memberNumber: string;
  planId: string;
  fullName: string;
  birthDate: string;
  sex: 'F' | 'M' | 'X';
  /** Stored encrypted. A renewal replaces the whole record, so leaving it out clears a phone on file. */
  phone?: string;
  coverageStart: string;
  coverageEnd: string;
  status?: 'active' | 'suspended' | 'terminated';
}

/** Enrols members in a payer's plans. */
@Injectable()
export class MembersService {
  constructor(
    private readonly transactions: Transactions,
    private readonly members: MembersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Enrols (or re-enrols) members in one statement: all rows or none. A member number already
   * enrolled with this payer is updated in place, which is how renewals arrive.
   */
  async enrol(payerId: string, members: EnrolMember[], now: Date = new Date()): Promise<EnrolledMember[]> {
    const latest = latestDateOnEarth(now);
    const unborn = members.map((m, i) => ({ m, i })).filter(({ m }) => m.birthDate > latest);
    if (unborn.length > 0) {
      throw new AppError(
        AppErrorCode.DateInFuture,
        'members are born in the future',
        unborn.map(({ i }) => ({
          field: `members.${i}.birthDate`,
          rule: `must not be after today (${latest} in the furthest-ahead time zone)`,
        })),
      );
    }
    const own = await this.members.ownPlanIds(payerId, [...new Set(members.map((m) => m.planId))]);
    const foreign = members.map((m, i) => ({ m, i })).filter(({ m }) => !own.has(m.planId));
    if (foreign.length > 0) {
      throw new AppError(
        AppErrorCode.UnknownPlan,
        'members name plans this payer does not own',
        foreign.map(({ i }) => ({ field: `members.${i}.planId`, rule: "must be one of the payer's plans" })),
      );
    }
    return this.transactions.run(async (tx) => {
      // A renewal keeps the member's id, and the encrypted fields are bound to the row's id: use
      // the ids of members already enrolled, so their new values are sealed for the right row.
      const ids = await this.members.idsByMemberNumber(
        tx,
        payerId,
        members.map((m) => m.memberNumber),
      );
      const enrolled = await this.upsert(tx, payerId, members, ids);
      // A member enrolled by a concurrent request after the read above got values sealed for an id
      // that is not its row's: seal them again for the row's id (the row is now locked by us).
      const moved = enrolled.filter((r) => r.id !== ids.get(r.memberNumber));
      if (moved.length === 0) return enrolled;
      for (const r of moved) ids.set(r.memberNumber, r.id);
      const again = new Set(moved.map((r) => r.memberNumber));
      await this.upsert(
        tx,
        payerId,
        members.filter((m) => again.has(m.memberNumber)),
        ids,
      );
      return enrolled;
    });
  }

  private upsert(
    tx: Transaction,
    payerId: string,
    members: EnrolMember[],
    ids: Map<string, string>,
  ): Promise<EnrolledMember[]> {
    const rows = members.map((m) => {
      const id = ids.get(m.memberNumber) ?? randomUUID();
      ids.set(m.memberNumber, id);
      return {
        id,
        payerId,
        planId: m.planId,
        memberNumber: m.memberNumber,
        memberRef: memberRef(this.config.MEMBER_REF_SECRET, payerId, m.memberNumber),
        fullName: m.fullName,
        birthDate: m.birthDate,
        sex: m.sex,
        phone: m.phone ?? null,
        coverageStart: m.coverageStart,
        coverageEnd: m.coverageEnd,
        status: m.status ?? 'active',
      };
    });
    return this.members.upsertMembers(tx, rows);
  }

  /** A member of this payer. */
  async get(payerId: string, id: string): Promise<Member> {
    const member = await this.members.findMember(payerId, id);
    if (!member) throw new NotFoundError('member');
    return member;
  }
}
