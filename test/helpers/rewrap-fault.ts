/** How the service's route tests look at a refusal: the RewrapFault a route's promise rejects with. */
import { RewrapFault } from '../../kms/service/rewrap-request.js';

export async function refusal(p: Promise<unknown>): Promise<RewrapFault> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof RewrapFault)) throw new Error('expected a RewrapFault');
  return e;
}
