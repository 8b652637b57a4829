/**
 * What the server's log may show of a URL: the value of every credential parameter replaced,
 * so a log line never holds a secret (and the client's address is never logged at all).
 */

/**
 * The URL with the value of every credential parameter replaced, however its name is written
 * (`access_token`, `ACCESS_TOKEN`, `access%5Ftoken`), and a share link's secret in the
 * dashboard's path (`/share/sh_…`): a log line never holds a secret.
 */
export function redactedUrl(asked: string): string {
  // The dashboard's share links carry their secret in the path: /share/sh_…/live.
  const url = asked.replace(/^\/share\/[^/?#]+/i, '/share/[redacted]');
  const at = url.indexOf('?');
  if (at < 0) return url;
  const parts = url
    .slice(at + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq < 0 ? part : part.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replaceAll('+', ' '));
      } catch {
        // Malformed escapes: judge the name as written.
      }
      return CREDENTIAL_PARAMS.has(name.trim().toLowerCase()) ? `${rawName}=[redacted]` : part;
    });
  return `${url.slice(0, at)}?${parts.join('&')}`;
}

const CREDENTIAL_PARAMS = new Set(['access_token', 'key']);
