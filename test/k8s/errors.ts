/**
 * The API server's error vocabulary: `kind: Status` bodies with the reason,
 * code, message and details the real apiserver writes (k8s.io/apimachinery
 * errors and field.Error), so clients branch on them as they would in a
 * cluster.
 */

export type Obj = Record<string, unknown>;

/** A field.Error: its reason (cause type), the field path and the full message. */
export interface FieldError {
  reason: string;
  field: string;
  message: string;
}

/** Formats a value like Go's %q / field.Error does (strings quoted, numbers bare). */
function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export const fieldErr = {
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    reason: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${showValue(value)}: ${detail}`,
  }),
  required: (field: string, detail = ''): FieldError => ({
    reason: 'FieldValueRequired',
    field,
    message: detail ? `Required value: ${detail}` : 'Required value',
  }),
  forbidden: (field: string, detail: string): FieldError => ({
    reason: 'FieldValueForbidden',
    field,
    message: `Forbidden: ${detail}`,
  }),
  tooLong: (field: string, max: number): FieldError => ({
    reason: 'FieldValueTooLong',
    field,
    message: `Too long: must have at most ${max} bytes`,
  }),
  /** An invalid value Go prints with %#v (neither a string nor a plain number), given as that text. */
  invalidGo: (field: string, goSyntax: string, detail: string): FieldError => ({
    reason: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${goSyntax}: ${detail}`,
  }),
  notSupported: (field: string, value: unknown, allowed: string[]): FieldError => ({
    reason: 'FieldValueNotSupported',
    field,
    message: `Unsupported value: ${showValue(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({
    reason: 'FieldValueDuplicate',
    field,
    message: `Duplicate value: ${showValue(value)}`,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    reason: 'FieldValueTypeInvalid',
    field,
    message: `Invalid value: ${showValue(value)}: ${detail}`,
  }),
};

export const fieldErrorString = (e: FieldError): string => (e.field ? `${e.field}: ${e.message}` : e.message);

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

/** A failed request, carried up to the HTTP layer and written as a Status. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    /** '' for errors the apiserver did not classify (reason Unknown, left out of the Status). */
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** The Status's ListMeta (an expired continue token carries a fresh one). */
    readonly listMeta: Obj = {},
  ) {
    super(message);
  }

  status(): Obj {
    const body: Obj = { kind: 'Status', apiVersion: 'v1', metadata: this.listMeta, status: 'Failure', message: this.message };
    if (this.reason) body.reason = this.reason;
    if (this.details) body.details = this.details;
    body.code = this.code;
    return body;
  }
}

/** The group/resource pair errors name, e.g. `secrets` or `encryptedsecrets.gitseal.dev`. */
export interface GroupResource {
  group: string;
  plural: string;
}

const qualified = (gr: GroupResource): string => (gr.group ? `${gr.plural}.${gr.group}` : gr.plural);
const grDetails = (gr: GroupResource, name: string): StatusDetails => (gr.group ? { name, group: gr.group, kind: gr.plural } : { name, kind: gr.plural });

export const errors = {
  notFound: (gr: GroupResource, name: string) => new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, grDetails(gr, name)),
  alreadyExists: (gr: GroupResource, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, grDetails(gr, name)),
  conflict: (gr: GroupResource, name: string, why: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, grDetails(gr, name)),
  staleConflict: (gr: GroupResource, name: string) =>
    errors.conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again'),
  /** `kind` is a Kind, or for the errors the generic registry raises itself, a resource (plural). */
  invalid: (kind: string, group: string, name: string, causes: FieldError[]) => {
    const parts = causes.map(fieldErrorString);
    const msg = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    const details: StatusDetails = {
      ...(name ? { name } : {}),
      ...(group ? { group } : {}),
      kind,
      causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
    };
    const gk = group ? `${kind}.${group}` : kind;
    return new ApiError(422, 'Invalid', `${gk} "${name}" is invalid: ${msg}`, details);
  },
  badRequest: (msg: string) => new ApiError(400, 'BadRequest', msg),
  forbidden: (gr: GroupResource, name: string, why: string) =>
    new ApiError(403, 'Forbidden', `${qualified(gr)} "${name}" is forbidden: ${why}`, grDetails(gr, name)),
  methodNotAllowed: (verb: string, gr: GroupResource) =>
    new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, {
      ...(gr.group ? { group: gr.group } : {}),
      kind: gr.plural,
      causes: [{ reason: 'MethodNotAllowed', message: `${verb} is not supported` }],
    }),
  gone: (msg: string, listMeta: Obj = {}) => new ApiError(410, 'Expired', msg, undefined, listMeta),
  /** An error the apiserver does not classify: 500 with no reason. */
  unknown: (msg: string) => new ApiError(500, '', msg),
  unsupportedMediaType: (accepted: string[]) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  unprocessable: (msg: string) => new ApiError(422, 'Invalid', msg),
  notFoundPath: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  internal: (msg: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ reason: '', message: msg }] }),
};

/** The reason the real server gives for a bare status code (used by injected failures). */
export function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Expired',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}
