/**
 * Static assets by path extension (SESSIONS.md, "Access logs"): a request for one is not a
 * pageview. Only the path counts: the query and fragment are cut first; case does not matter.
 *
 *   isAssetPath('/img/Logo.PNG?v=2') === true; isAssetPath('/app.js/') === false
 */

export const ASSET_EXTENSIONS: ReadonlySet<string> = new Set(
  'gif jpg jpeg png ico svg bmp webp xbm css js map woff woff2 ttf eot otf mp3 mp4 mpg mpeg wav webm avi mov'.split(
    ' ',
  ),
);
const LONGEST_EXTENSION = 5;

export function isAssetPath(path: string): boolean {
  let end = path.length;
  const query = path.indexOf('?');
  if (query >= 0) end = query;
  const fragment = path.indexOf('#');
  if (fragment >= 0 && fragment < end) end = fragment;
  if (end < 2) return false;
  const dot = path.lastIndexOf('.', end - 1);
  if (dot < 0 || end - dot - 1 > LONGEST_EXTENSION || path.lastIndexOf('/', end - 1) > dot) return false;
  return ASSET_EXTENSIONS.has(path.slice(dot + 1, end).toLowerCase());
}
