import { EventSubscriber } from 'typeorm';
import type { EntityMetadata, EntitySubscriberInterface, InsertEvent, LoadEvent, UpdateEvent } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { EncryptedColumnTransformer, SealedValue, StoredCiphertext } from './encrypted-column.transformer';

type Row = Record<string, unknown>;

/**
 * Encrypts and decrypts the encrypted columns of every entity with the row's primary key bound
 * in (TypeORM's column transformers do not see the row; subscribers do). Loaded values are opened
 * after the row is read; inserted and updated values are sealed before the statement is built and
 * given back as plaintext afterwards, so the caller's object never keeps ciphertext.
 * TypeORM only takes a subscriber class that is also decorated.
 */
@EventSubscriber()
export class EncryptedColumnsSubscriber implements EntitySubscriberInterface {
  afterLoad(entity: unknown, event?: LoadEvent<unknown>): void {
    if (!event || !isRow(entity)) return;
    const columns = encrypted(event.metadata);
    if (columns.length === 0) return;
    for (const c of columns) {
      const value = c.getEntityValue(entity);
      if (!(value instanceof StoredCiphertext)) continue;
      c.setEntityValue(entity, transformer(c).open(value.stored, keyOf(event.metadata, entity, c)));
    }
  }

  beforeInsert(event: InsertEvent<unknown>): void {
    seal(event.metadata, event.entity);
  }

  afterInsert(event: InsertEvent<unknown>): void {
    restore(event.metadata, event.entity);
  }

  beforeUpdate(event: UpdateEvent<unknown>): void {
    seal(event.metadata, event.entity, event.databaseEntity);
  }

  afterUpdate(event: UpdateEvent<unknown>): void {
    restore(event.metadata, event.entity);
  }
}

const plaintexts = new WeakMap<object, Map<string, unknown>>();

function seal(metadata: EntityMetadata, entity: unknown, stored?: unknown): void {
  if (!isRow(entity)) return;
  const kept = new Map<string, unknown>();
  for (const c of encrypted(metadata)) {
    const value = c.getEntityValue(entity);
    if (value === null || value === undefined || value instanceof SealedValue) continue;
    const source = isRow(stored) && !hasKey(metadata, entity) ? stored : entity;
    kept.set(c.propertyName, value);
    c.setEntityValue(entity, transformer(c).seal(value, keyOf(metadata, source, c)));
  }
  if (kept.size > 0) plaintexts.set(entity, kept);
}

function restore(metadata: EntityMetadata, entity: unknown): void {
  if (!isRow(entity)) return;
  const kept = plaintexts.get(entity);
  if (!kept) return;
  for (const c of encrypted(metadata)) {
    if (kept.has(c.propertyName)) c.setEntityValue(entity, kept.get(c.propertyName));
  }
  plaintexts.delete(entity);
}

// Every load of every entity passes here; most have no encrypted column, found once per entity.
const encryptedByEntity = new WeakMap<EntityMetadata, ColumnMetadata[]>();

function encrypted(metadata: EntityMetadata): ColumnMetadata[] {
  let columns = encryptedByEntity.get(metadata);
  if (!columns) {
    columns = metadata.columns.filter((c) => c.transformer instanceof EncryptedColumnTransformer);
    encryptedByEntity.set(metadata, columns);
  }
  return columns;
}

const transformer = (c: ColumnMetadata) => c.transformer as EncryptedColumnTransformer<unknown>;

const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null;

const hasKey = (metadata: EntityMetadata, row: Row) =>
  metadata.primaryColumns.every((k) => k.getEntityValue(row) !== undefined && k.getEntityValue(row) !== null);

/** The row's primary key values; an encrypted column read or written without them is an error. */
function keyOf(metadata: EntityMetadata, row: Row, column: ColumnMetadata): unknown[] {
  if (!hasKey(metadata, row)) {
    throw new Error(
      `${transformer(column).column} needs its row's primary key (${metadata.primaryColumns
        .map((k) => k.propertyName)
        .join(', ')}): select or set it with the column`,
    );
  }
  return metadata.primaryColumns.map((k) => k.getEntityValue(row));
}
