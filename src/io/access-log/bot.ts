/**
 * Known bots by user agent (the `isbot` list), remembered per agent: a log repeats a few thousand
 * agents millions of times, and the pattern is long. The memory is bounded and simply emptied when full.
 *
 *   isBotAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)') === true
 */
import { isbot } from 'isbot';

const MAX_REMEMBERED = 20_000;
const remembered = new Map<string, boolean>();

/** An empty agent is not a bot here: there is nothing to recognise. */
export function isBotAgent(userAgent: string): boolean {
  if (userAgent === '') return false;
  let bot = remembered.get(userAgent);
  if (bot === undefined) {
    bot = isbot(userAgent);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(userAgent, bot);
  }
  return bot;
}
