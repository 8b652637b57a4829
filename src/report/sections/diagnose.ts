/**
 * The report's Diagnosis section: the findings (most severe first), the gap histogram as inline
 * SVG with the timeouts in force and suggested marked, and the sessions per timeout as a table.
 * Static, escaped HTML: every text from the data goes through `esc`.
 *
 *   `<main>…${diagnoseSection(report.diagnose)}</main>`
 */

import { roughDuration } from '../../analysis/insights/diagnose/words.ts';
import type { DiagnoseResult } from '../../analysis/insights/diagnose.ts';
import { formatDuration } from '../../core/duration.ts';
import { htmlText } from './html-text.ts';

const int = (n: number): string => n.toLocaleString('en-US');
const dur = (ms: number): string => formatDuration(Math.round(ms / 1000) * 1000);

const W = 760;
const H = 220;
const PAD = { left: 44, right: 12, top: 14, bottom: 34 };

const STYLE = `
.findings { list-style: none; padding: 0; margin: 0 0 12px; }
.finding { background: #fff; border-radius: 8px; padding: 10px 14px; margin-bottom: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.06); border-left: 4px solid #9ca3af; }
.finding.error { border-left-color: #b91c1c; } .finding.warning { border-left-color: #b45309; }
.finding .sev { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: #6b7280; margin-right: 8px; }
.finding .code { font-family: ui-monospace, monospace; font-size: 11px; color: #9ca3af; margin-left: 8px; }
.finding p { margin: 4px 0 0; font-size: 13px; }
.diagnose h3 { font-size: 13px; margin: 16px 0 6px; color: #4a5161; }
.diagnose .diag-empty { color: #9ca3af; padding: 12px; }
.diagnose .note { color: #6b7280; font-size: 12px; }
.gaps-svg { background: #fff; border-radius: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.06); width: 100%; height: auto; }
`;

export function diagnoseSection(d: DiagnoseResult | undefined): string {
  if (d === undefined) return '';
  const findings =
    d.findings.length === 0
      ? '<p class="diag-empty">No findings: the settings fit the data.</p>'
      : `<ul class="findings">${d.findings
          .map(
            (
              f,
            ) => `<li class="finding ${htmlText(f.severity)}"><span class="sev">${htmlText(f.severity)}</span><strong>${htmlText(f.title)}</strong><span class="code">${htmlText(f.code)}</span>
<p>${htmlText(f.evidence)}</p>${f.fix === '' ? '' : `<p>Fix: ${htmlText(f.fix)}</p>`}</li>`,
          )
          .join('\n')}</ul>`;
  return `<section id="diagnose" class="diagnose"><h2>Diagnosis</h2>
<style>${STYLE}</style>
${findings}
<h3>Gaps between consecutive events of an identity</h3>
${gapsSvg(d)}
<h3>Sessions per timeout</h3>
${curveTable(d)}
</section>`;
}

function gapsSvg(d: DiagnoseResult): string {
  const bins = d.gaps.bins;
  const max = Math.max(0, ...bins.map((b) => b.within + b.between));
  if (max === 0) return '<p class="diag-empty">No gaps: every identity has one event.</p>';
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / bins.length;
  // x of a duration in seconds, on the bins' log scale (bin -1 holds everything under 1 s).
  const xOf = (s: number) => PAD.left + (Math.log10(Math.max(s, 1)) * d.gaps.bins_per_decade + 1) * bw;
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const bars = bins
    .map((b, i) => {
      const x = PAD.left + i * bw;
      const within =
        b.within === 0
          ? ''
          : `<rect x="${x.toFixed(1)}" y="${y(b.within).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(PAD.top + plotH - y(b.within)).toFixed(1)}" fill="#2563eb"><title>${htmlText(label(b))}: ${int(b.within)} inside sessions</title></rect>`;
      const top = y(b.within + b.between);
      const between =
        b.between === 0
          ? ''
          : `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(y(b.within) - top).toFixed(1)}" fill="#f59e0b"><title>${htmlText(label(b))}: ${int(b.between)} between sessions</title></rect>`;
      return within + between;
    })
    .join('');
  const ticks = [1, 10, 60, 600, 3600, 86_400, 864_000]
    .map(
      (s) =>
        `<text x="${xOf(s).toFixed(1)}" y="${H - PAD.bottom + 14}" font-size="11" text-anchor="middle" fill="#6b7280">${roughDuration(s * 1000)}</text>`,
    )
    .join('');
  const mark = (ms: number | null, text: string, color: string, dy: number) =>
    ms === null
      ? ''
      : `<line x1="${xOf(ms / 1000).toFixed(1)}" x2="${xOf(ms / 1000).toFixed(1)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="${color}" stroke-width="2" stroke-dasharray="4 3"/><text x="${(xOf(ms / 1000) + 4).toFixed(1)}" y="${PAD.top + dy}" font-size="11" fill="${color}">${htmlText(text)} ${htmlText(dur(ms))}</text>`;
  return `<svg class="gaps-svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="Histogram of ${int(d.gaps.within + d.gaps.between)} gaps between consecutive events, log scale">
<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#d1d5db"/>
<text x="${PAD.left - 6}" y="${PAD.top + 8}" font-size="11" text-anchor="end" fill="#6b7280">${int(max)}</text>
${bars}${ticks}
${mark(d.timeout.current_ms, 'in force', '#111827', 10)}${mark(d.timeout.suggested_ms, 'suggested', '#15803d', 26)}
<text x="${PAD.left}" y="${H - 4}" font-size="11" fill="#6b7280">blue: inside a session (${int(d.gaps.within)}) · amber: between sessions (${int(d.gaps.between)})</text>
</svg>`;
}

function label(b: DiagnoseResult['gaps']['bins'][number]): string {
  if (b.bin < 0) return 'under 1s';
  return b.to_s === null
    ? `${roughDuration(b.from_s * 1000)} and more`
    : `${roughDuration(b.from_s * 1000)}–${roughDuration(b.to_s * 1000)}`;
}

function curveTable(d: DiagnoseResult): string {
  if (d.sensitivity.length === 0 || d.sessions === 0) return '<p class="diag-empty">No sessions.</p>';
  const now = d.sensitivity.find((p) => p.timeout_ms === d.timeout.current_ms)?.sessions;
  const rows = d.sensitivity
    .map((p) => {
      const change =
        now === undefined || now === 0
          ? ''
          : `${p.sessions >= now ? '+' : ''}${(((p.sessions - now) / now) * 100).toFixed(1)} %`;
      const note = [
        p.timeout_ms === d.timeout.current_ms ? 'in force' : '',
        p.timeout_ms === d.timeout.suggested_ms ? 'suggested' : '',
      ]
        .filter((x) => x !== '')
        .join(', ');
      return `<tr><td>${htmlText(dur(p.timeout_ms))}${note === '' ? '' : ` (${note})`}</td><td>${int(p.sessions)}</td><td>${change}</td></tr>`;
    })
    .join('');
  return `<table id="diagnose-curve"><thead><tr><th>Timeout</th><th>Sessions</th><th>Change</th></tr></thead><tbody>${rows}</tbody></table>
<p class="note">Counted from the gaps: a timeout splits at every longer gap; splits by the other rules (end events, max duration…) stay as they are.</p>`;
}
