import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiKeyEntity, OrganizationEntity } from '../infra/entities';
import { NotFoundError } from './app.errors';
import { issueApiKey } from './api-keys';
import type { Principal } from './organizations.service';

/** An API key as its owner sees it: never the secret, which only exists at issue time. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

const view = (k: ApiKeyEntity): ApiKeyView => ({
  id: k.id,
  prefix: k.prefix,
  label: k.label,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/** Issues a key for an organization inside the caller's transaction; its token exists only in the result. */
export async function insertApiKey(
  em: EntityManager,
  organizationId: string,
  label: string,
): Promise<{ key: ApiKeyEntity; token: string }> {
  const issued = issueApiKey();
  const id = randomUUID();
  await em.insert(ApiKeyEntity, {
    id,
    organizationId,
    prefix: issued.prefix,
    secretHash: issued.secretHash,
    label,
    revokedAt: null,
  });
  return { key: await em.findOneByOrFail(ApiKeyEntity, { id }), token: issued.token };
}

/** Lists, issues, revokes and rotates an organization's API keys (its own, or any for the operator). */
@Injectable()
export class ApiKeysService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every key of the organization, newest first. */
  async list(principal: Principal, orgId: string): Promise<ApiKeyView[]> {
    await this.assertManages(principal, orgId);
    const keys = await this.db
      .getRepository(ApiKeyEntity)
      .find({ where: { organizationId: orgId }, order: { createdAt: 'DESC' } });
    return keys.map(view);
  }

  /** Issues a new key; the token is returned once. */
  async create(principal: Principal, orgId: string, label: string): Promise<ApiKeyView & { apiKey: string }> {
    await this.assertManages(principal, orgId);
    return this.issue(orgId, label);
  }

  /** Revokes a key at once. */
  async revoke(principal: Principal, orgId: string, keyId: string): Promise<ApiKeyView> {
    await this.assertManages(principal, orgId);
    const key = await this.activeKey(orgId, keyId);
    key.revokedAt = new Date();
    await this.db.getRepository(ApiKeyEntity).save(key);
    return view(key);
  }

  /** Issues a replacement with the same label and revokes the old key after `graceSeconds` (0: at once). */
  async rotate(principal: Principal, orgId: string, keyId: string, graceSeconds: number) {
    await this.assertManages(principal, orgId);
    return this.db.transaction(async (em) => {
      const old = await em.findOneBy(ApiKeyEntity, { id: keyId, organizationId: orgId });
      if (!old || (old.revokedAt && old.revokedAt <= new Date())) throw new NotFoundError('active API key');
      old.revokedAt = new Date(Date.now() + graceSeconds * 1000);
      await em.save(old);
      const { key, token } = await insertApiKey(em, orgId, old.label);
      return { previous: view(old), current: { ...view(key), apiKey: token } };
    });
  }

  private async issue(orgId: string, label: string) {
    const { key, token } = await insertApiKey(this.db.manager, orgId, label);
    return { ...view(key), apiKey: token };
  }

  private async activeKey(orgId: string, keyId: string): Promise<ApiKeyEntity> {
    const key = await this.db.getRepository(ApiKeyEntity).findOneBy({ id: keyId, organizationId: orgId });
    if (!key || (key.revokedAt && key.revokedAt <= new Date())) throw new NotFoundError('active API key');
    return key;
  }

  // Another tenant's organization answers 404, exactly like one that does not exist.
  private async assertManages(principal: Principal, orgId: string): Promise<void> {
    if (principal.kind !== 'operator' && principal.orgId !== orgId) throw new NotFoundError('organization');
    if (!(await this.db.getRepository(OrganizationEntity).existsBy({ id: orgId })))
      throw new NotFoundError('organization');
  }
}
