/**
 * What the analyses tabs compute before drawing, kept apart from the components so it is tested
 * in Node: the Sankey's option (with "(other)" last and muted), the busiest activity cell, and
 * a retention share's tint.
 */
import { formatCount } from '../../format.ts';

type Sankey = {
  readonly nodes: readonly { id: string; step: number; page: string; sessions: number }[];
  readonly links: readonly { source: string; target: string; sessions: number }[];
};

export const OTHER = '(other)';
const PALETTE = ['#4f46e5', '#0d9488', '#d97706', '#db2777', '#2563eb', '#65a30d', '#9333ea', '#dc2626'];
const PALETTE_DARK = ['#8b93ff', '#5eead4', '#fbbf24', '#f472b6', '#60a5fa', '#a3e635', '#c084fc', '#f87171'];

/** A node id (`2:/pricing`) as its page. */
export const pageOf = (id: string): string => id.slice(id.indexOf(':') + 1);

/** The Sankey's option: nodes in the server's order with "(other)" last in each step, kept there. */
export function sankeyOption(sankey: Sankey, steps: number, dark: boolean) {
  const muted = dark ? '#5b6470' : '#b8bec8';
  const palette = dark ? PALETTE_DARK : PALETTE;
  // A page's colour, by its sessions over all steps (the busiest pages get the first colours).
  const totals = new Map<string, number>();
  for (const n of sankey.nodes)
    if (n.page !== OTHER) totals.set(n.page, (totals.get(n.page) ?? 0) + n.sessions);
  const colour = new Map(
    [...totals].sort((a, b) => b[1] - a[1]).map(([page], i) => [page, palette[i % palette.length]!]),
  );
  const nodes = [...sankey.nodes].sort(
    (a, b) =>
      a.step - b.step || Number(a.page === OTHER) - Number(b.page === OTHER) || b.sessions - a.sessions,
  );
  const sessionsOf = new Map(sankey.nodes.map((n) => [n.id, n.sessions]));
  const last = Math.max(...nodes.map((n) => n.step));
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: {
        dataType?: string;
        name?: string;
        data?: { source?: string; target?: string; value?: number };
      }) =>
        p.dataType === 'edge'
          ? `${pageOf(p.data?.source ?? '')} → ${pageOf(p.data?.target ?? '')}\n${formatCount(p.data?.value ?? 0)} sessions`
          : `${pageOf(p.name ?? '')} (page ${(p.name ?? '').split(':')[0]})\n${formatCount(sessionsOf.get(p.name ?? '') ?? 0)} sessions`,
    },
    series: [
      {
        type: 'sankey',
        layoutIterations: 0,
        nodeAlign: 'left',
        draggable: false,
        left: 8,
        right: 8,
        top: 8,
        bottom: 8,
        nodeWidth: 12,
        nodeGap: 12,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'source', opacity: dark ? 0.35 : 0.28, curveness: 0.5 },
        label: {
          color: dark ? '#e6e8ec' : '#1c2024',
          fontSize: 12,
          overflow: 'truncate',
          width: steps > 4 ? 90 : 150,
          formatter: (p: { name: string }) => pageOf(p.name),
        },
        data: nodes.map((n) => ({
          name: n.id,
          depth: n.step - 1,
          value: n.sessions,
          itemStyle: { color: n.page === OTHER ? muted : colour.get(n.page), borderWidth: 0 },
          label: {
            position: n.step === last && last === steps ? 'left' : 'right',
            ...(n.page === OTHER ? { color: dark ? '#a1a8b3' : '#5b6470', fontStyle: 'italic' } : {}),
          },
        })),
        links: sankey.links.map((l) => ({
          source: l.source,
          target: l.target,
          value: l.sessions,
          ...(pageOf(l.source) === OTHER || pageOf(l.target) === OTHER
            ? { lineStyle: { color: muted, opacity: 0.22 } }
            : {}),
        })),
      },
    ],
  };
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** The busiest cell: weekday (1 = Monday), hour and sessions; the first one on a tie. */
export function busiest(grid: readonly (readonly number[])[]): {
  weekday: number;
  hour: number;
  sessions: number;
} {
  let best = { weekday: 1, hour: 0, sessions: -1 };
  grid.forEach((row, d) => {
    row.forEach((n, h) => {
      if (n > best.sessions) best = { weekday: d + 1, hour: h, sessions: n };
    });
  });
  return best;
}

/** A cell's tint for a share 0…1 (the accent colour, stronger with the share). */
export function tint(share: number, dark: boolean): { background: string; color: string } {
  const alpha = 0.08 + 0.87 * Math.min(1, Math.max(0, share));
  const rgb = dark ? '139 147 255' : '79 70 229';
  return {
    background: `rgb(${rgb} / ${alpha.toFixed(3)})`,
    color: alpha > 0.5 ? (dark ? '#0f1115' : '#ffffff') : 'inherit',
  };
}
