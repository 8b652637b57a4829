/**
 * Analyses: paths (a Sankey), a funnel builder, a retention matrix and an activity heatmap, one
 * tab each. The tab and each tab's own settings live in the URL (`?a=funnel&steps=/,/pricing`),
 * so an analysis can be shared and reloaded.
 */
import { currentTab, type SubTab, SubTabs } from '../components/subtabs.tsx';
import { Activity } from './analyses/activity.tsx';
import './analyses/charts.ts';
import { Funnel } from './analyses/funnel.tsx';
import { Paths } from './analyses/paths.tsx';
import { Retention } from './analyses/retention.tsx';
import type { ViewProps } from './index.ts';
import './analyses.css';

const TABS: readonly SubTab[] = [
  { id: 'paths', title: 'Paths', view: Paths },
  { id: 'funnel', title: 'Funnel', view: Funnel },
  { id: 'retention', title: 'Retention', view: Retention },
  { id: 'activity', title: 'Activity', view: Activity },
];

export function Analyses(props: ViewProps) {
  const current = currentTab(TABS, props, 'a');
  const View = current.view;
  return (
    <div class="view analyses">
      <SubTabs tabs={TABS} current={current} param="a" label="Analyses" />
      <View {...props} />
    </div>
  );
}
