/**
 * Insights: what the numbers alone do not say, one tab each (issue 20): significance-tested
 * comparisons, fraud-like sessions, users and their signals, trends, a diagnosis of the
 * session settings, and what converts. The tab and its settings live in the URL (`?i=compare`).
 * A new insight: its file in views/insights/ and a line in TABS.
 */
import { currentTab, type SubTab, SubTabs } from '../components/subtabs.tsx';
import type { ViewProps } from './index.ts';
import { Anomalies } from './insights/anomalies.tsx';
import './insights/insights.css';

const TABS: readonly SubTab[] = [{ id: 'anomalies', title: 'Anomalies', view: Anomalies }];

export function Insights(props: ViewProps) {
  const current = currentTab(TABS, props, 'i');
  const View = current.view;
  return (
    <div class="view insights">
      <SubTabs tabs={TABS} current={current} param="i" label="Insights" />
      <View {...props} />
    </div>
  );
}
