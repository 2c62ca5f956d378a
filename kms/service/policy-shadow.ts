/**
 * Allow rules that deny rules take away entirely (issue 15): every subject,
 * scope and operation the allow grants is met by some deny, so it grants
 * nothing and is likely a mistake. The policy loader and `gitseal policy
 * check` warn about them; the policy still loads.
 *
 * Patterns are compared as patterns: an allow pattern is inside a deny
 * pattern when the deny's glob matches the allow's text with its `*` taken
 * literally (a `*` of the allow can only fall within a `*` of the deny, so
 * whatever the allow's `*` stands for, the deny matches it too). This can
 * miss a shadow spread over several deny patterns; it never invents one.
 */
import { globMatch, KEY_OPERATIONS, type PolicyRule } from './policy.js';

function halves(scope: string): [string, string] {
  if (scope === '*') return ['*', '*'];
  const slash = scope.indexOf('/');
  return [scope.slice(0, slash), scope.slice(slash + 1)];
}

/** Every binding that `allow` covers, `deny` meets (policy.ts scopeCovers, scopeOverlaps). */
function scopeInside(allow: string, deny: string): boolean {
  const [ans, aname] = halves(allow);
  const [dns, dname] = halves(deny);
  return globMatch(dns, ans) && globMatch(dname, aname);
}

const label = (r: PolicyRule): string => `rule ${r.index}${r.name === undefined ? '' : ` '${r.name}'`}`;

/** One line per allow rule that the deny rules shadow entirely, naming the denies; empty when none is. */
export function shadowedAllows(rules: readonly PolicyRule[]): string[] {
  const denies = rules.filter((r) => r.effect === 'deny');
  const warnings: string[] = [];
  for (const allow of rules) {
    if (allow.effect !== 'allow') continue;
    const by = new Set<PolicyRule>();
    const shadowed = allow.operations.every((op) =>
      allow.subjects.every((subject) =>
        (KEY_OPERATIONS.has(op) ? ['*'] : allow.scopes).every((scope) => {
          const deny = denies.find(
            (d) => d.operations.includes(op) && d.subjects.some((p) => globMatch(p, subject)) && (KEY_OPERATIONS.has(op) || d.scopes.some((p) => scopeInside(scope, p))),
          );
          if (deny) by.add(deny);
          return deny !== undefined;
        }),
      ),
    );
    if (shadowed) warnings.push(`${label(allow)} grants nothing: ${[...by].map(label).join(' and ')} ${by.size === 1 ? 'denies' : 'deny'} everything it allows`);
  }
  return warnings;
}
