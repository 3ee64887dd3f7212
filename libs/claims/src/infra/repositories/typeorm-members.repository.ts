import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import {
  type EnrolledMember,
  type Member,
  type MemberRow,
  MembersRepository,
} from '../../coverage/members.repository';
import type { Transaction } from '../../platform/transactions';
import { MemberEntity, PlanEntity } from '../entities';
import { managerOf } from './typeorm-transactions';

/**
 * Members in PostgreSQL (`members`). The personal columns are sealed and opened by the entity's
 * column transformers (infra/crypto), bound to the row's id.
 */
@Injectable()
export class TypeOrmMembersRepository extends MembersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async ownPlanIds(payerId: string, planIds: readonly string[]): Promise<Set<string>> {
    const plans = await this.db
      .getRepository(PlanEntity)
      .find({ where: { id: In([...planIds]), payerId }, select: { id: true } });
    return new Set(plans.map((p) => p.id));
  }

  async idsByMemberNumber(
    tx: Transaction,
    payerId: string,
    memberNumbers: readonly string[],
  ): Promise<Map<string, string>> {
    const known = await managerOf(this.db, tx)
      .getRepository(MemberEntity)
      .createQueryBuilder('m')
      .select(['m.id', 'm.memberNumber'])
      .where('m.payerId = :payerId AND m.memberNumber IN (:...numbers)', {
        payerId,
        numbers: [...memberNumbers],
      })
      .getMany();
    return new Map(known.map((k) => [k.memberNumber, k.id]));
  }

  async upsertMembers(tx: Transaction, rows: readonly MemberRow[]): Promise<EnrolledMember[]> {
    const result = await managerOf(this.db, tx)
      .createQueryBuilder()
      .insert()
      .into(MemberEntity)
      .values([...rows])
      .orUpdate(
        ['plan_id', 'full_name', 'birth_date', 'phone', 'sex', 'coverage_start', 'coverage_end', 'status'],
        ['payer_id', 'member_number'],
      )
      .returning('id, member_number')
      .execute();
    return (result.raw as { id: string; member_number: string }[]).map((r) => ({
      id: r.id,
      memberNumber: r.member_number,
    }));
  }

  findMember(payerId: string, id: string): Promise<Member | null> {
    return this.db.getRepository(MemberEntity).findOneBy({ id, payerId });
  }
}
