import type { AppConfig } from '../config/app-config';

/** Where Redis is and how to verify it: its URL, and the CAs of a rediss:// server when not the system's. */
export interface RedisTarget {
  url: string;
  /** ioredis `tls` options; with rediss:// and none given, the system CAs verify the server. */
  tls?: { ca: string };
}

/** The Redis every connection of the platform (BullMQ, preflight, the CLI) uses. */
export function redisTarget(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_TLS_CA_FILE'>): RedisTarget {
  return config.REDIS_TLS_CA_FILE
    ? { url: config.REDIS_URL, tls: { ca: config.REDIS_TLS_CA_FILE } }
    : { url: config.REDIS_URL };
}
