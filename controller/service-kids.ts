/** The org key ids the rewrap service holds, asked once a minute (and again at once after a failure). */
import type { PublicOrgKey } from '../kms/protocol/types.js';

const TTL_MS = 60_000;

export class ServiceKids {
  #kids: ReadonlySet<string> | undefined;
  #at = 0;
  #pending: Promise<ReadonlySet<string>> | undefined;

  constructor(private readonly client: { keys(): Promise<PublicOrgKey[]> }) {}

  get(): Promise<ReadonlySet<string>> {
    if (this.#kids && Date.now() - this.#at < TTL_MS) return Promise.resolve(this.#kids);
    this.#pending ??= this.client
      .keys()
      .then((keys) => {
        this.#kids = new Set(keys.filter((k) => k.state !== 'destroyed').map((k) => k.kid));
        this.#at = Date.now();
        return this.#kids;
      })
      .finally(() => (this.#pending = undefined));
    return this.#pending;
  }
}
