/**
 * The demo's release day: midnight (UTC) 30 days before the end. From then on the shop's
 * checkout is one page instead of three (more carts are paid) and the app greets new accounts
 * on a new `/app/onboarding` page. A before/after comparison around it shows the change.
 *
 *   releaseMsOf(endMs) // epoch ms of the release
 */
import { DAY_MS } from './calendar.ts';

export const RELEASE_DAYS_BEFORE_END = 30;

export function releaseMsOf(endMs: number): number {
  return Math.floor((endMs - RELEASE_DAYS_BEFORE_END * DAY_MS) / DAY_MS) * DAY_MS;
}
