/**
 * A funnel's steps: a page (`/pricing`), a page pattern (`/docs/*`: `*` is any text) or an event
 * name (`event:purchase`), read from text, and the SQL condition that an event matches one.
 *
 *   parseSteps(['/', '/docs/*', 'event:purchase']) // [{ kind: 'page' … }, { kind: 'pattern' … }, { kind: 'event' … }]
 */
import { StintError } from '../core/errors.ts';
import type { Dialect } from '../sql/dialect.ts';
import { type Sql, sql } from '../sql/query.ts';

export type Step =
  | { readonly kind: 'page'; readonly path: string; readonly text: string }
  | { readonly kind: 'pattern'; readonly pattern: string; readonly text: string }
  | { readonly kind: 'event'; readonly name: string; readonly text: string };

export function parseSteps(texts: readonly string[]): Step[] {
  const steps = texts.map((raw) => raw.trim()).filter((t) => t !== '');
  if (steps.length === 0) {
    throw new StintError(
      'STINT_BAD_FLAG',
      'A funnel needs at least one step',
      'Give steps in order, e.g. --step / --step /pricing --step event:purchase',
    );
  }
  if (steps.length > 20) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `A funnel has at most 20 steps, got ${steps.length}`,
      'Leave out steps',
    );
  }
  return steps.map((text): Step => {
    if (text.startsWith('event:')) {
      const name = text.slice(6).trim();
      if (name === '') {
        throw new StintError(
          'STINT_BAD_FLAG',
          `Funnel step "${text}" names no event`,
          'Write event:NAME, e.g. event:purchase',
        );
      }
      return { kind: 'event', name, text };
    }
    if (!text.startsWith('/')) {
      throw new StintError(
        'STINT_BAD_FLAG',
        `Cannot read funnel step "${text}"`,
        'A step is a page path (/pricing), a pattern (/docs/*) or an event (event:purchase)',
      );
    }
    return text.includes('*') ? { kind: 'pattern', pattern: text, text } : { kind: 'page', path: text, text };
  });
}

/** SQL that is true when an event (columns event, path) matches the step. */
export function matches(step: Step, d: Dialect): Sql {
  if (step.kind === 'event') return sql`event = ${step.name}`;
  if (step.kind === 'page') return sql`(event = 'pageview' AND path = ${step.path})`;
  const like = step.pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
  return sql`(event = 'pageview' AND ${d.like(sql`path`, sql`${like}`)})`;
}
