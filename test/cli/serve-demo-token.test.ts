/**
 * `stint serve --demo` prints the dashboard's one-click login link with the token it made for
 * the run; when the operator set STINT_ADMIN_TOKEN, it prints no secret at all (the curl line
 * reads the shell's variable, the login page asks for the token).
 */
import { expect, it } from 'vitest';
import { demoBanner } from '../../src/cli/serve-demo.ts';

const ADDRESS = 'http://127.0.0.1:8080';

it("never prints the operator's own STINT_ADMIN_TOKEN", () => {
  const secret = 'st_operators_own_secret_0123456789abcdef';
  const text = demoBanner(ADDRESS, { secret, generated: false });
  expect(text).not.toContain(secret);
  expect(text).not.toContain('#token=');
  expect(text).toContain(`${ADDRESS}/login `);
  expect(text).toContain('your STINT_ADMIN_TOKEN');
  // In double quotes, so that the shell fills the variable in.
  expect(text).toContain('curl -H "authorization: Bearer $STINT_ADMIN_TOKEN"');
});

it('prints a token the demo made in the one-click login link, as lasting this run only', () => {
  const secret = 'st_demo_made_for_this_run';
  const text = demoBanner(ADDRESS, { secret, generated: true });
  expect(text).toContain(`${ADDRESS}/login#token=${secret}`);
  expect(text).toContain('this run only');
  expect(text).toContain(`Bearer ${secret}`);
  expect(text).not.toContain('$STINT_ADMIN_TOKEN');
  // The three sites are named with their origins.
  for (const origin of ['https://shop.example', 'https://blog.example', 'https://app.example'])
    expect(text).toContain(origin);
});
