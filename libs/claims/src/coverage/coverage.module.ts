import { Module } from '@nestjs/common';
import { TypeOrmMembersRepository } from '../infra/repositories/typeorm-members.repository';
import { TypeOrmPlansRepository } from '../infra/repositories/typeorm-plans.repository';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';
import { PlansRepository } from './plans.repository';
import { PlansService } from './plans.service';

const services = [PlansService, MembersService];

/** Benefit plans and their versions (the rule sets), and the members enrolled in them. */
@Module({
  providers: [
    ...services,
    { provide: PlansRepository, useClass: TypeOrmPlansRepository },
    { provide: MembersRepository, useClass: TypeOrmMembersRepository },
  ],
  exports: services,
})
export class CoverageModule {}
