import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The platform's catalogue of service codes. */
@Entity('service_codes')
export class ServiceCodeEntity {
  @PrimaryColumn('text') code!: string;
  @Column('text') description!: string;
  @Column('text') category!: string;
  @Column('text', { name: 'care_type' }) careType!: string;
}
