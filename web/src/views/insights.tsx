/**
 * Insights: what the numbers alone do not say, one tab each (issue 20): significance-tested
 * comparisons, fraud-like sessions, users and their signals, trends, a diagnosis of the
 * session settings, what converts, and webhooks. The tab and its settings live in the URL
 * (`?i=compare`). A new insight: its file in views/insights/ and a line in TABS.
 */
import { currentTab, type SubTab, SubTabs } from '../components/subtabs.tsx';
import type { ViewProps } from './index.ts';
import { Anomalies } from './insights/anomalies.tsx';
import { Compare } from './insights/compare.tsx';
import { Diagnose } from './insights/diagnose.tsx';
import { Drivers } from './insights/drivers.tsx';
import { Trends } from './insights/trends.tsx';
import { Users } from './insights/users.tsx';
import { Webhooks } from './insights/webhooks.tsx';

/** `admin`: a tab a share link's read-only dashboard does not show. */
const TABS: readonly (SubTab & { admin?: boolean })[] = [
  { id: 'compare', title: 'Compare', view: Compare },
  { id: 'anomalies', title: 'Anomalies', view: Anomalies },
  { id: 'users', title: 'Users', view: Users },
  { id: 'trends', title: 'Trends', view: Trends },
  { id: 'diagnose', title: 'Diagnose', view: Diagnose },
  { id: 'drivers', title: 'What converts', view: Drivers },
  { id: 'webhooks', title: 'Webhooks', view: Webhooks, admin: true },
];

export function Insights(props: ViewProps) {
  const tabs = props.shared ? TABS.filter((t) => t.admin !== true) : TABS;
  if (tabs.length === 0) return <div class="view insights" />;
  const current = currentTab(tabs, props, 'i');
  const View = current.view;
  return (
    <div class="view insights">
      <SubTabs tabs={tabs} current={current} param="i" label="Insights" />
      <View {...props} />
    </div>
  );
}
