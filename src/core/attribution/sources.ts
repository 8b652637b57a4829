/**
 * Known traffic sources, written once: each with its one canonical name, its category (what the
 * channel rules ask), the referrer hosts it sends from and the `utm_source` values that name it.
 * No maintained, permissively licensed list exists as a package (the common ones derive from
 * GPL data), so the table is stint's own; docs/sessions.md lists it.
 *
 *   sourceOfHost('www.google.co.uk') // { name: 'Google', category: 'search' }
 *   sourceOfTag('fb')                // { name: 'Facebook', category: 'social' }
 */

export type SourceCategory = 'search' | 'social' | 'video' | 'email' | 'ai';

export interface KnownSource {
  readonly name: string;
  readonly category: SourceCategory;
}

interface Entry extends KnownSource {
  /**
   * Hosts, matched with their subdomains (`google.com` takes `www.google.com`). A host ending in
   * `.*` takes any country ending: `google.*` takes `google.de`, `google.co.uk`, `google.com.au`.
   */
  readonly hosts: readonly string[];
  /** `utm_source` values (lower case) that name it. */
  readonly tags: readonly string[];
}

/** More specific hosts first: `mail.google.com` is Gmail before `google.*` is Google. */
const SOURCES: readonly Entry[] = [
  { name: 'Gmail', category: 'email', hosts: ['mail.google.com', 'com.google.android.gm'], tags: ['gmail'] },
  {
    name: 'Outlook',
    category: 'email',
    hosts: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com'],
    tags: ['outlook'],
  },
  { name: 'Yahoo Mail', category: 'email', hosts: ['mail.yahoo.com'], tags: ['yahoo mail'] },
  {
    name: 'YouTube',
    category: 'video',
    hosts: ['youtube.com', 'youtu.be', 'youtube-nocookie.com'],
    tags: ['youtube', 'yt'],
  },
  {
    name: 'Google',
    category: 'search',
    hosts: ['google.*', 'com.google.android.googlequicksearchbox'],
    tags: ['google', 'google.com'],
  },
  { name: 'Bing', category: 'search', hosts: ['bing.com', 'cn.bing.com'], tags: ['bing', 'microsoft'] },
  { name: 'DuckDuckGo', category: 'search', hosts: ['duckduckgo.com'], tags: ['duckduckgo', 'ddg'] },
  { name: 'Yahoo', category: 'search', hosts: ['search.yahoo.com', 'yahoo.*'], tags: ['yahoo'] },
  { name: 'Yandex', category: 'search', hosts: ['yandex.*', 'ya.ru'], tags: ['yandex'] },
  { name: 'Baidu', category: 'search', hosts: ['baidu.com'], tags: ['baidu'] },
  { name: 'Ecosia', category: 'search', hosts: ['ecosia.org'], tags: ['ecosia'] },
  { name: 'Brave Search', category: 'search', hosts: ['search.brave.com'], tags: ['brave'] },
  { name: 'Qwant', category: 'search', hosts: ['qwant.com'], tags: ['qwant'] },
  { name: 'Startpage', category: 'search', hosts: ['startpage.com'], tags: ['startpage'] },
  { name: 'Naver', category: 'search', hosts: ['naver.com'], tags: ['naver'] },
  { name: 'Seznam', category: 'search', hosts: ['seznam.cz'], tags: ['seznam'] },
  { name: 'Kagi', category: 'search', hosts: ['kagi.com'], tags: ['kagi'] },
  {
    name: 'Facebook',
    category: 'social',
    hosts: ['facebook.com', 'fb.com', 'fb.me', 'messenger.com'],
    tags: ['facebook', 'fb', 'meta'],
  },
  { name: 'Instagram', category: 'social', hosts: ['instagram.com'], tags: ['instagram', 'ig'] },
  {
    name: 'X (Twitter)',
    category: 'social',
    hosts: ['t.co', 'twitter.com', 'x.com'],
    tags: ['twitter', 'x', 'x.com', 't.co'],
  },
  { name: 'LinkedIn', category: 'social', hosts: ['linkedin.com', 'lnkd.in'], tags: ['linkedin', 'li'] },
  { name: 'Reddit', category: 'social', hosts: ['reddit.com', 'redd.it'], tags: ['reddit'] },
  { name: 'Pinterest', category: 'social', hosts: ['pinterest.*', 'pin.it'], tags: ['pinterest'] },
  { name: 'TikTok', category: 'social', hosts: ['tiktok.com'], tags: ['tiktok'] },
  {
    name: 'Hacker News',
    category: 'social',
    hosts: ['news.ycombinator.com'],
    tags: ['hackernews', 'hacker news', 'hn'],
  },
  { name: 'Bluesky', category: 'social', hosts: ['bsky.app'], tags: ['bluesky', 'bsky'] },
  { name: 'Threads', category: 'social', hosts: ['threads.net', 'threads.com'], tags: ['threads'] },
  { name: 'Mastodon', category: 'social', hosts: ['mastodon.social', 'mastodon.online'], tags: ['mastodon'] },
  { name: 'WhatsApp', category: 'social', hosts: ['whatsapp.com', 'wa.me'], tags: ['whatsapp'] },
  { name: 'Telegram', category: 'social', hosts: ['t.me', 'telegram.org'], tags: ['telegram'] },
  {
    name: 'Discord',
    category: 'social',
    hosts: ['discord.com', 'discord.gg', 'discordapp.com'],
    tags: ['discord'],
  },
  { name: 'VK', category: 'social', hosts: ['vk.com'], tags: ['vk'] },
  { name: 'Weibo', category: 'social', hosts: ['weibo.com'], tags: ['weibo'] },
  { name: 'Quora', category: 'social', hosts: ['quora.com'], tags: ['quora'] },
  { name: 'Tumblr', category: 'social', hosts: ['tumblr.com'], tags: ['tumblr'] },
  { name: 'Vimeo', category: 'video', hosts: ['vimeo.com'], tags: ['vimeo'] },
  { name: 'Twitch', category: 'video', hosts: ['twitch.tv'], tags: ['twitch'] },
  {
    name: 'ChatGPT',
    category: 'ai',
    hosts: ['chatgpt.com', 'chat.openai.com'],
    tags: ['chatgpt', 'chatgpt.com', 'openai'],
  },
  { name: 'Perplexity', category: 'ai', hosts: ['perplexity.ai'], tags: ['perplexity'] },
  { name: 'Claude', category: 'ai', hosts: ['claude.ai'], tags: ['claude'] },
  { name: 'Gemini', category: 'ai', hosts: ['gemini.google.com'], tags: ['gemini'] },
  { name: 'Copilot', category: 'ai', hosts: ['copilot.microsoft.com'], tags: ['copilot'] },
];

// Gemini's host is under google.*: match the specific hosts of every entry before any pattern.
const EXACT = new Map<string, KnownSource>();
const PATTERNS: { label: string; source: KnownSource }[] = [];
const TAGS = new Map<string, KnownSource>();
for (const { name, category, hosts, tags } of SOURCES) {
  const source = { name, category };
  for (const host of hosts) {
    if (host.endsWith('.*')) PATTERNS.push({ label: host.slice(0, -2), source });
    else if (!EXACT.has(host)) EXACT.set(host, source);
  }
  for (const tag of tags) if (!TAGS.has(tag)) TAGS.set(tag, source);
}

/** A country ending after the name: one or two short labels (`de`, `co.uk`, `com.au`). */
const isCountryEnding = (labels: readonly string[]): boolean =>
  labels.length >= 1 && labels.length <= 2 && labels.every((l) => l.length >= 2 && l.length <= 3);

/** The known source a referrer host (lower case) belongs to, or undefined. */
export function sourceOfHost(host: string): KnownSource | undefined {
  const labels = host.toLowerCase().split('.');
  // The host itself, then each parent: m.facebook.com, then facebook.com.
  for (let i = 0; i < Math.max(1, labels.length - 1); i++) {
    const found = EXACT.get(labels.slice(i).join('.'));
    if (found !== undefined) return found;
  }
  for (let i = 0; i < labels.length - 1; i++) {
    const pattern = PATTERNS.find((p) => p.label === labels[i]);
    if (pattern !== undefined && isCountryEnding(labels.slice(i + 1))) return pattern.source;
  }
  return undefined;
}

/** The known source a `utm_source` value names (case and spaces aside), or undefined. */
export function sourceOfTag(tag: string): KnownSource | undefined {
  return TAGS.get(tag.trim().toLowerCase()) ?? sourceOfHost(tag.trim().toLowerCase());
}

/** The table, for docs and tests: name, category, hosts and tags of each known source. */
export const KNOWN_SOURCES: readonly Entry[] = SOURCES;
