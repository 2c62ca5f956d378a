import { randomBytes } from 'node:crypto';

/** The id every answer and log line of one request carries: 16 hex digits. */
export const newRequestId = (): string => randomBytes(8).toString('hex');
