/**
 * `stint serve --demo` prints the commands to look at the demo: with the token it made for the
 * run, or, when the operator set STINT_ADMIN_TOKEN, with no secret at all (the commands read the
 * shell's variable).
 */
import { expect, it } from 'vitest';
import { demoBanner } from '../../src/cli/serve-demo.ts';

const ADDRESS = 'http://127.0.0.1:8080';

it("never prints the operator's own STINT_ADMIN_TOKEN", () => {
  const secret = 'st_operators_own_secret_0123456789abcdef';
  const text = demoBanner(ADDRESS, { secret, generated: false });
  expect(text).not.toContain(secret);
  expect(text).not.toContain('this run only');
  expect(text).toContain('your STINT_ADMIN_TOKEN');
  expect(text).toContain('Bearer $STINT_ADMIN_TOKEN');
  // The live URL in double quotes, so that the shell fills the variable in.
  expect(text).toContain(`curl -N "${ADDRESS}/api/v1/live?site=demo&access_token=$STINT_ADMIN_TOKEN"`);
});

it('prints a token the demo made, as lasting this run only', () => {
  const secret = 'st_demo_made_for_this_run';
  const text = demoBanner(ADDRESS, { secret, generated: true });
  expect(text).toContain(`admin token (this run only)  ${secret}`);
  expect(text).toContain(`Bearer ${secret}`);
  expect(text).not.toContain('$STINT_ADMIN_TOKEN');
});
