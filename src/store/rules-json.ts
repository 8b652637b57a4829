/**
 * Rules as the store keeps them: JSON, with an open maximum duration as null.
 *
 *   rulesFromJson(rulesToJson(rules)) // deep-equals rules
 */
import { createRules, type SessionRules } from '../core/rules.ts';

export function rulesToJson(rules: SessionRules): string {
  return JSON.stringify({
    ...rules,
    maxDurationMs: Number.isFinite(rules.maxDurationMs) ? rules.maxDurationMs : null,
  });
}

export function rulesFromJson(text: string): SessionRules {
  const raw = JSON.parse(text) as Record<string, unknown>;
  return createRules({
    ...raw,
    maxDurationMs: raw.maxDurationMs === null ? Number.POSITIVE_INFINITY : (raw.maxDurationMs as number),
  });
}

/** Whether two rule sets give the same sessions (same settings). */
export function sameRules(a: SessionRules, b: SessionRules): boolean {
  return rulesToJson(a) === rulesToJson(b);
}
