/**
 * The tabs inside a view (Analyses, Insights): one link per tab, the current one marked. Each
 * tab keeps its own settings in the URL; moving to another drops them.
 */
import type { ComponentType } from 'preact';
import { linkTo } from '../router.ts';
import type { ViewProps } from '../views/index.ts';

export interface SubTab {
  readonly id: string;
  readonly title: string;
  readonly view: ComponentType<ViewProps>;
}

/** The tab the URL's `param` names, or the first. */
export function currentTab(tabs: readonly SubTab[], props: ViewProps, param: string): SubTab {
  return tabs.find((t) => t.id === props.route.extra[param]) ?? tabs[0]!;
}

export function SubTabs(props: { tabs: readonly SubTab[]; current: SubTab; param: string; label: string }) {
  return (
    <nav class="subtabs" aria-label={props.label}>
      {props.tabs.map((t) => (
        <a
          key={t.id}
          class={t.id === props.current.id ? 'subtab active' : 'subtab'}
          aria-current={t.id === props.current.id ? 'page' : undefined}
          {...linkTo({ extra: { [props.param]: t.id } })}
        >
          {t.title}
        </a>
      ))}
    </nav>
  );
}
