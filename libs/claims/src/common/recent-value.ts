/**
 * A value loaded on first use and shared for `maxAgeMs`, then loaded afresh; concurrent callers
 * share one load, and a load that fails is forgotten at once.
 */
export function recentValue<T>(maxAgeMs: number, load: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > maxAgeMs) {
      const value = load();
      cached = { at: now, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}
