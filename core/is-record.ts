/** True for a JSON object or YAML mapping: an object that is neither null nor an array. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
