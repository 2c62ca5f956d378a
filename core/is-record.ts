/** True for a JSON object or YAML mapping: an object that is neither null nor an array. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first key of `o` that is not in `known`: parsers refuse it, since a misspelt field would be silently ignored. */
export const unknownField = (o: Record<string, unknown>, known: readonly string[]): string | undefined => Object.keys(o).find((k) => !known.includes(k));
