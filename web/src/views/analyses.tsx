/**
 * Analyses: paths (a Sankey), a funnel builder, a retention matrix and an activity heatmap, one
 * tab each. The tab and each tab's own settings live in the URL (`?a=funnel&steps=/,/pricing`),
 * so an analysis can be shared and reloaded.
 */
import type { ComponentType } from 'preact';
import { linkTo } from '../router.ts';
import { Activity } from './analyses/activity.tsx';
import './analyses/charts.ts';
import { Funnel } from './analyses/funnel.tsx';
import { Paths } from './analyses/paths.tsx';
import { Retention } from './analyses/retention.tsx';
import type { ViewProps } from './index.ts';
import './analyses.css';

const TABS: readonly { id: string; title: string; view: ComponentType<ViewProps> }[] = [
  { id: 'paths', title: 'Paths', view: Paths },
  { id: 'funnel', title: 'Funnel', view: Funnel },
  { id: 'retention', title: 'Retention', view: Retention },
  { id: 'activity', title: 'Activity', view: Activity },
];

export function Analyses(props: ViewProps) {
  const current = TABS.find((t) => t.id === props.route.extra.a) ?? TABS[0]!;
  const View = current.view;
  return (
    <div class="view analyses">
      <nav class="subtabs" aria-label="Analyses">
        {TABS.map((t) => (
          <a
            key={t.id}
            class={t.id === current.id ? 'subtab active' : 'subtab'}
            aria-current={t.id === current.id ? 'page' : undefined}
            // Each tab keeps its own settings in the URL; another tab's are dropped.
            {...linkTo({ extra: { a: t.id } })}
          >
            {t.title}
          </a>
        ))}
      </nav>
      <View {...props} />
    </div>
  );
}
