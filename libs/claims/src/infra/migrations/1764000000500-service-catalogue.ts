import type { MigrationInterface, QueryRunner } from 'typeorm';
import { readServiceCatalogue } from '../reference-data';

/** Loads the platform's service-code catalogue from data/services.csv. */
export class ServiceCatalogue1764000000500 implements MigrationInterface {
  name = 'ServiceCatalogue1764000000500';

  async up(q: QueryRunner): Promise<void> {
    const rows = readServiceCatalogue();
    await q.query(
      `INSERT INTO service_codes (code, description, category, care_type)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description,
         category = EXCLUDED.category, care_type = EXCLUDED.care_type`,
      [
        rows.map((r) => r.code),
        rows.map((r) => r.description),
        rows.map((r) => r.category),
        rows.map((r) => r.careType),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM service_codes`);
  }
}
