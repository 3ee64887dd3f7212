import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ApiKeyScope } from '../../access/api-key-scopes';
import {
  type ApiKey,
  ApiKeysRepository,
  type KeyCredentials,
  type KeyRevocation,
  type NewApiKey,
} from '../../access/api-keys.repository';
import type { Transaction } from '../../platform/transactions';
import { ApiKeyEntity } from '../entities';
import { managerOf } from './typeorm-transactions';

const stored = (k: ApiKeyEntity): ApiKey => k as ApiKey;

/** API keys in PostgreSQL (`api_keys`). */
@Injectable()
export class TypeOrmApiKeysRepository extends ApiKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async insert(tx: Transaction, key: NewApiKey): Promise<ApiKey> {
    const em = managerOf(this.db, tx);
    await em.insert(ApiKeyEntity, { ...key, revokedAt: null });
    return stored(await em.findOneByOrFail(ApiKeyEntity, { id: key.id }));
  }

  async listOf(organizationId: string): Promise<ApiKey[]> {
    const keys = await this.db
      .getRepository(ApiKeyEntity)
      .find({ where: { organizationId }, order: { createdAt: 'DESC' } });
    return keys.map(stored);
  }

  async find(tx: Transaction, organizationId: string, keyId: string): Promise<ApiKey | null> {
    const key = await managerOf(this.db, tx).findOneBy(ApiKeyEntity, { id: keyId, organizationId });
    return key && stored(key);
  }

  async lock(tx: Transaction, organizationId: string, keyId: string): Promise<ApiKey | null> {
    const key = await managerOf(this.db, tx).findOne(ApiKeyEntity, {
      where: { id: keyId, organizationId },
      lock: { mode: 'pessimistic_write' },
    });
    return key && stored(key);
  }

  async revoke(tx: Transaction, keyId: string, revocation: KeyRevocation): Promise<void> {
    await managerOf(this.db, tx).update(ApiKeyEntity, { id: keyId }, revocation);
  }

  async countActive(tx: Transaction, organizationId: string, scope?: ApiKeyScope): Promise<number> {
    const [{ n }] = (await managerOf(this.db, tx).query(
      `SELECT count(*)::int AS n FROM api_keys
        WHERE organization_id = $1 AND ($2::text IS NULL OR $2 = ANY(scopes))
          AND (revoked_at IS NULL OR revoked_at > now())`,
      [organizationId, scope ?? null],
    )) as { n: number }[];
    return n;
  }

  async credentialsByPrefix(prefixes: readonly string[]): Promise<KeyCredentials[]> {
    return (await this.db.query(
      `SELECT k.prefix, k.id, k.secret_hash AS hash, k.revoked_at AS revoked, k.scopes, o.id AS org, o.kind
         FROM api_keys k JOIN organizations o ON o.id = k.organization_id
        WHERE k.prefix = ANY($1)`,
      [[...new Set(prefixes)]],
    )) as KeyCredentials[];
  }
}
