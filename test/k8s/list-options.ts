/** The list and watch query parameters the apiserver refuses (422 on ListOptions.meta.k8s.io). */
import { errors, fieldErr, type FieldError } from './errors.js';

/** ValidateListOptions (a watch's, or a list's), as of 1.28. */
export function validateListOptions(q: URLSearchParams, isWatch: boolean, watchListGate: boolean): void {
  const match = q.get('resourceVersionMatch') ?? '';
  const sendInitialEvents = q.get('sendInitialEvents');
  const errs: FieldError[] = [];
  if (isWatch) {
    if (sendInitialEvents !== null) {
      if (match !== 'NotOlderThan') errs.push(fieldErr.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
      if (!watchListGate) errs.push(fieldErr.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'));
    }
    if (match) {
      if (sendInitialEvents === null) errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      if (match !== 'NotOlderThan') errs.push(fieldErr.notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (q.get('continue')) errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
  } else {
    if (match) {
      if (!q.get('resourceVersion')) errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
      if (q.get('continue')) errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
      if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(fieldErr.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
      if (match === 'Exact' && q.get('resourceVersion') === '0') errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
    if (sendInitialEvents !== null) errs.push(fieldErr.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  if (errs.length > 0) throw errors.invalid('ListOptions', 'meta.k8s.io', '', errs);
}
