/**
 * The report as one standalone HTML file: the data as JSON, ECharts and a small script inlined,
 * so it opens offline with no server. Every tracked string (URL, referrer, source, …) reaches
 * the page as JSON data and is shown with `textContent` or drawn on a canvas: never parsed as
 * HTML. Chart tooltips use ECharts' rich-text mode for the same reason.
 *
 *   await writeFile('report.html', renderHtmlReport(await buildReport(store, options, 'day')));
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReportInsights } from '../analysis/insights/report-insights.ts';
import { anomaliesSection } from './sections/anomalies.ts';
import { compareSection } from './sections/compare.ts';
import { diagnoseSection } from './sections/diagnose.ts';
import { driversSection } from './sections/drivers.ts';
import { trendsSection } from './sections/trends.ts';
import { usersSection } from './sections/users.ts';

const require = createRequire(import.meta.url);

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let echartsSource: string | undefined;

function echarts(): string {
  echartsSource ??= readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
  return echartsSource;
}

let cspHeader: string | undefined;

/**
 * The Content-Security-Policy header of an HTTP answer holding the report (the file's own meta
 * policy is looser, for a file opened from disk): only its two scripts run, named by their
 * hashes; inline styles and data: images; no request, no frame, no form.
 */
export function htmlReportCsp(): string {
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  cspHeader ??=
    `default-src 'none'; script-src ${hash(echarts())} ${hash(SCRIPT)}; style-src 'unsafe-inline'; ` +
    "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return cspHeader;
}

export function renderHtmlReport(report: unknown, title = 'stint report'): string {
  // The title is ours (the store's file name), shown in markup: no character that could open a tag.
  const heading = title.replace(/[<>&"]/g, '');
  // Each insight's section is drawn from its field; one left out (--brief) draws nothing.
  const insights = report as Partial<ReportInsights>;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${heading}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${heading}</h1><p id="period"></p></header>
<main>
<section><h2>Overview</h2><div id="cards" class="cards"></div></section>
${compareSection(insights.compare)}
<section><h2>Sessions over time</h2><div id="timeseries" class="chart"></div></section>
<section class="grid">
  <div><h2>Sources</h2><div id="sources" class="chart small"></div></div>
  <div><h2>Channels</h2><div id="channels" class="chart small"></div></div>
  <div><h2>Countries</h2><div id="countries" class="chart small"></div></div>
  <div><h2>Devices</h2><div id="devices" class="chart small"></div></div>
  <div><h2>Entry pages</h2><div id="entry_pages" class="chart small"></div></div>
  <div><h2>Exit pages</h2><div id="exit_pages" class="chart small"></div></div>
</section>
<section><h2>Paths (first steps)</h2><div id="sankey" class="chart tall"></div></section>
<section id="funnels-section" hidden><h2>Funnels</h2><div id="funnels"></div></section>
<section><h2>Retention (weekly cohorts)</h2><div id="retention" class="chart"></div></section>
<section><h2>Pages</h2><table id="pages"></table></section>
${driversSection(insights.drivers)}
${anomaliesSection(insights.anomalies)}
${usersSection(insights.users)}
${trendsSection(insights.trends)}
${diagnoseSection(insights.diagnose)}
</main>
<footer id="footer"></footer>
<script type="application/json" id="stint-data">${scriptJson(report)}</script>
<script>${echarts()}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2430; background: #f6f7f9; }
body { margin: 0; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 24px 0 8px; color: #4a5161; text-transform: uppercase; letter-spacing: .04em; }
#period, footer { color: #6b7280; font-size: 13px; }
footer { padding-bottom: 32px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.card { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.card .name { font-size: 12px; color: #6b7280; }
.card .value { font-size: 22px; font-weight: 600; margin: 4px 0; }
.card .change { font-size: 12px; color: #6b7280; }
.card .up { color: #15803d; } .card .down { color: #b91c1c; }
.chart { background: #fff; border-radius: 8px; height: 300px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.chart.small { height: 260px; } .chart.tall { height: 420px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 0 16px; }
table { width: 100%; border-collapse: collapse; background: #fff; border-radius: 8px; font-size: 13px; }
th, td { text-align: right; padding: 6px 10px; border-bottom: 1px solid #eceef2; }
th:first-child, td:first-child { text-align: left; word-break: break-all; }
th { color: #6b7280; font-weight: 500; }
.empty { color: #9ca3af; padding: 24px; text-align: center; }
`;

/** Runs in the page: reads the JSON, fills the cards and tables with textContent, draws charts. */
const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('stint-data').textContent);
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var LABELS = { sessions: 'Sessions', users: 'Users', pageviews: 'Pageviews', events: 'Events',
    bounce_rate: 'Bounce rate', engagement_rate: 'Engagement rate', avg_duration_s: 'Avg duration',
    median_duration_s: 'Median duration', pages_per_session: 'Pages / session',
    conversion_rate: 'Conversion rate', avg_value: 'Avg value', total_value: 'Total value' };
  function fmt(metric, v) {
    if (v === null || v === undefined) return '–';
    if (/_rate$/.test(metric)) return (v * 100).toFixed(1) + ' %';
    if (/_s$/.test(metric)) return v < 60 ? v.toFixed(1) + ' s' : Math.floor(v / 60) + 'm ' + Math.round(v % 60) + 's';
    return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  var r = data.range || {};
  document.getElementById('period').textContent = r.from === null
    ? 'No sessions in the store yet.'
    : r.from + ' – ' + r.to + ' (' + data.tz + '), compared with ' + data.previous_range.from + ' – ' + data.previous_range.to;
  document.getElementById('footer').textContent = 'Computed under rules version ' + data.rules_version + ' by stint.';
  var cards = document.getElementById('cards');
  Object.keys(LABELS).forEach(function (m) {
    var o = data.overview[m];
    var card = el('div', 'card');
    card.appendChild(el('div', 'name', LABELS[m]));
    card.appendChild(el('div', 'value', fmt(m, o.value)));
    var change = o.change === null ? 'previous ' + fmt(m, o.previous)
      : (o.change > 0 ? '+' : '') + (o.change * 100).toFixed(1) + ' % vs ' + fmt(m, o.previous);
    card.appendChild(el('div', 'change ' + (o.change > 0 ? 'up' : o.change < 0 ? 'down' : ''), change));
    cards.appendChild(card);
  });
  var charts = [];
  function chart(id, option, hasData) {
    var node = document.getElementById(id);
    if (!hasData) { node.appendChild(el('div', 'empty', 'No data in this period.')); return; }
    var c = echarts.init(node, null, { renderer: 'canvas' });
    option.tooltip = Object.assign({ renderMode: 'richText', confine: true }, option.tooltip || {});
    option.animation = false;
    c.setOption(option);
    charts.push(c);
  }
  var ts = data.timeseries.rows;
  chart('timeseries', {
    grid: { left: 56, right: 56, top: 48, bottom: 32 },
    tooltip: { trigger: 'axis' },
    legend: { top: 4, data: ['sessions', 'bounce rate'] },
    xAxis: { type: 'category', data: ts.map(function (x) { return x.key; }) },
    yAxis: [{ type: 'value', name: 'sessions' }, { type: 'value', name: 'bounce', max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + '%'; } } }],
    series: [
      { name: 'sessions', type: 'line', areaStyle: { opacity: 0.15 }, data: ts.map(function (x) { return x.sessions; }) },
      { name: 'bounce rate', type: 'line', yAxisIndex: 1, data: ts.map(function (x) { return x.bounce_rate; }) }
    ]
  }, ts.length > 0);
  function bars(id, rows) {
    var top = rows.slice(0, 10).reverse();
    chart(id, {
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: top.map(function (x) { var k = x.key === '' ? '(none)' : x.key; return k.length > 40 ? k.slice(0, 39) + '…' : k; }) },
      series: [{ type: 'bar', data: top.map(function (x) { return x.sessions; }), label: { show: true, position: 'right' } }]
    }, rows.length > 0);
  }
  bars('sources', data.sources);
  bars('channels', data.channels);
  bars('countries', data.countries);
  bars('devices', data.devices);
  bars('entry_pages', data.entry_pages);
  bars('exit_pages', data.exit_pages);
  var sk = data.paths.sankey;
  chart('sankey', {
    tooltip: { trigger: 'item' },
    series: [{
      type: 'sankey', nodeAlign: 'left', layoutIterations: 32, nodeGap: 10, emphasis: { focus: 'adjacency' },
      data: sk.nodes.map(function (n) { return { name: n.id, value: n.sessions }; }),
      links: sk.links.map(function (l) { return { source: l.source, target: l.target, value: l.sessions }; }),
      label: { formatter: function (p) { var s = String(p.name); return s.slice(s.indexOf(':') + 1); } },
      lineStyle: { color: 'gradient', opacity: 0.35 }
    }]
  }, sk.links.length > 0);
  (data.funnels || []).forEach(function (f, i) {
    document.getElementById('funnels-section').hidden = false;
    var box = el('div', 'chart small');
    box.id = 'funnel-' + i;
    document.getElementById('funnels').appendChild(box);
    var rows = f.rows.slice().reverse();
    chart(box.id, {
      title: { text: f.steps.join('  →  '), textStyle: { fontSize: 12, fontWeight: 'normal' }, left: 8, top: 6 },
      grid: { left: 8, right: 90, top: 34, bottom: 10, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: rows.map(function (r) { return r.step + '. ' + r.name; }) },
      series: [{ type: 'bar', data: rows.map(function (r) { return r.entered; }),
        label: { show: true, position: 'right', formatter: function (p) {
          var r = rows[p.dataIndex]; var first = f.rows[0].entered;
          return r.entered + (first > 0 ? ' (' + Math.round(r.entered / first * 100) + '%)' : '');
        } } }]
    }, true);
  });
  var ret = data.retention;
  var cells = [];
  ret.rows.forEach(function (c, y) {
    c.share.forEach(function (v, x) { if (v !== null) cells.push([x, y, Math.round(v * 1000) / 10]); });
  });
  chart('retention', {
    grid: { left: 8, right: 20, top: 10, bottom: 60, containLabel: true },
    xAxis: { type: 'category', data: Array.from({ length: ret.periods + 1 }, function (_, k) { return ret.period + ' ' + k; }), splitArea: { show: true } },
    yAxis: { type: 'category', inverse: true, data: ret.rows.map(function (c) { return c.cohort + ' (' + c.size + ')'; }), splitArea: { show: true } },
    visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#eef2ff', '#3b5bdb'] } },
    series: [{ type: 'heatmap', data: cells, label: { show: true, formatter: function (p) { return p.value[2] + '%'; } } }]
  }, ret.rows.length > 0);
  var table = document.getElementById('pages');
  var head = el('tr');
  ['Page', 'Views', 'Sessions', 'Entries', 'Exits', 'Exit rate', 'Time on page'].forEach(function (h) { head.appendChild(el('th', '', h)); });
  table.appendChild(head);
  data.pages.forEach(function (p) {
    var tr = el('tr');
    [p.page === '' ? '(none)' : p.page, fmt('n', p.pageviews), fmt('n', p.sessions), fmt('n', p.entries), fmt('n', p.exits),
     fmt('exit_rate', p.exit_rate), fmt('time_s', p.avg_time_on_page_s)].forEach(function (v) { tr.appendChild(el('td', '', v)); });
    table.appendChild(tr);
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-rendered', String(charts.length));
})();
`;
