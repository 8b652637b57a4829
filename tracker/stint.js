/**
 * stint.js, the page tracker `stint serve` serves (minified) at /stint.js; docs/tracker.md has
 * the wire format. One tag is all a site needs, and it sets no cookie:
 *   <script defer src="https://stint.example/stint.js" data-site="pk_…"></script>
 * It sends page views (History API and hash changes too), outbound and download clicks, clicks
 * on [data-stint-event], custom events (`stint('signup', { props: { plan: 'pro' }, value: 49 })`)
 * and the visible time on the page (`engagement`, when the page is hidden or left).
 */
(() => {
  const script = document.currentScript;
  // Loaded twice, or not as a classic <script>: once is enough.
  if (!script || window.stint?.l) return;
  const options = script.dataset;
  const early = window.stint?.q || [];
  // The site asked to honour Do Not Track and Global Privacy Control: then nothing is sent, ever.
  const off = 'respectDnt' in options && (navigator.doNotTrack === '1' || navigator.globalPrivacyControl);
  const api = options.api || `${new URL(script.src).origin}/api/v1/events`;
  const endpoint = `${api}${api.includes('?') ? '&' : '?'}key=${options.site}`;
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const now = Date.now;
  const on = (target, type, listener) => target.addEventListener(type, listener);
  // localStorage only when the site opted in (data-storage="local"); a blocked one throws.
  const local = options.storage === 'local';
  const get = (key) => {
    try {
      return local && JSON.parse(localStorage[`stint_${key}`]);
    } catch {}
  };
  const put = (key, value) => {
    try {
      if (local) localStorage[`stint_${key}`] = JSON.stringify(value);
    } catch {}
  };
  // randomUUID is there in secure contexts (https, localhost) only.
  const newId = () => crypto.randomUUID?.() || `${now()}-${Math.random()}`;
  const anonymousId = local && (get('id') || newId());
  put('id', anonymousId);
  let userId = get('user');
  /** Events whose sending failed (offline, a 5xx or 429): sent again, first, with the next ones. */
  let queue = get('q') || [];

  const keep = (events) => {
    queue = queue.concat(events).slice(-20);
    put('q', queue);
  };
  // While the page goes away a beacon is the surest way out; otherwise fetch, whose answer says
  // whether to try again (a beacon's never does). Both send text/plain: no CORS preflight.
  const post = (events, hiding) => {
    const body = JSON.stringify({ events });
    if (off || (hiding && navigator.sendBeacon?.(endpoint, body))) return;
    fetch(endpoint, { method: 'POST', body, keepalive: true }).then(
      (r) => (r.status > 499 || r.status === 429) && keep(events),
      () => keep(events),
    );
  };
  const flush = (more, hiding) => {
    const events = queue.concat(more);
    queue = [];
    put('q', queue);
    if (events[0]) post(events, hiding);
  };
  const send = (event, extra, hiding) =>
    flush(
      [
        {
          event,
          url: location.href,
          referrer: document.referrer,
          timezone,
          timestamp: now(),
          event_id: newId(),
          anonymous_id: anonymousId || undefined,
          user_id: userId || undefined,
          ...extra,
        },
      ],
      hiding,
    );

  let lastUrl;
  const page = () => {
    if (location.href !== lastUrl) send('pageview');
    lastUrl = location.href;
  };

  // Engagement: the visible milliseconds since the last engagement event, sent when the page is
  // hidden or left. Back after more than 30 minutes hidden, the visit is a new one: a page view
  // starts it, not an engagement event.
  let shownAt = document.hidden ? 0 : now();
  let hiddenAt = 0;
  let engagedMs = 0;
  const hide = () => {
    if (shownAt) {
      hiddenAt = now();
      engagedMs += hiddenAt - shownAt;
      shownAt = 0;
    }
    if (engagedMs) send('engagement', { properties: { engaged_ms: engagedMs } }, 1);
    engagedMs = 0;
  };
  const show = () => {
    // (pageshow comes at load too, also in a background tab.)
    if (shownAt || document.hidden) return;
    shownAt = now();
    if (hiddenAt && shownAt - hiddenAt > 18e5) {
      lastUrl = 0;
      page();
    }
  };
  on(document, 'visibilitychange', () => (document.hidden ? hide() : show()));
  on(window, 'pagehide', hide);
  // Back from the back-forward cache: a page view again.
  on(window, 'pageshow', (e) => {
    if (e.persisted) {
      lastUrl = 0;
      page();
    }
    show();
  });
  on(window, 'online', () => flush([]));

  for (const method of ['pushState', 'replaceState']) {
    const original = history[method];
    history[method] = (...args) => {
      original.apply(history, args);
      page();
    };
  }
  on(window, 'popstate', page);
  on(window, 'hashchange', page);

  // A left click, or a middle click (auxclick; it opens a link too).
  const click = (e) => {
    if (e.button > 1) return;
    const tagged = e.target.closest?.('[data-stint-event]');
    if (tagged) {
      const props = {};
      for (const a of tagged.attributes)
        if (a.name.startsWith('data-stint-prop-')) props[a.name.slice(16)] = a.value;
      send(tagged.dataset.stintEvent, { properties: props });
    }
    const link = e.target.closest?.('a[href]');
    if (link?.protocol.startsWith('http')) {
      const name =
        link.hasAttribute('download') ||
        /\.(pdf|xlsx?|docx?|txt|rtf|csv|exe|dmg|pkg|apk|iso|pptx?|7z|rar|gz|zip|mov|mp4|mpe?g|mp3|wav)$/i.test(
          link.pathname,
        )
          ? 'download'
          : link.host !== location.host && 'outbound';
      if (name) send(name, { properties: { link_url: link.href } });
    }
  };
  on(document, 'click', click);
  on(document, 'auxclick', click);

  const stint = (name, o = {}) => send(name, { properties: o.props, value: o.value });
  stint.identify = (id) => put('user', (userId = id && `${id}`));
  stint.l = 1;
  window.stint = stint;

  // A prerendered page is viewed when it is shown, if ever.
  document.prerendering ? on(document, 'prerenderingchange', page) : page();
  for (const args of early) stint(...args);
})();
