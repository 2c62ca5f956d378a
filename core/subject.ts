/** A writer's subject is shown to people: 1–256 characters, none of them control or format characters (terminal escapes, bidi overrides). */
export const isPrintableSubject = (s: string): boolean => s !== '' && s.length <= 256 && !/[\p{Cc}\p{Cf}\uFFFD]/u.test(s);
