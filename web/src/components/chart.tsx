/**
 * An ECharts chart on a canvas, redrawn when its option or the theme changes and resized with
 * its box. Tooltips are drawn as rich text on the canvas (`renderMode: 'richText'`), so no
 * tracked string is ever parsed as HTML. The element is labelled for screen readers.
 *
 *   <Chart label="Sessions per day" option={{ xAxis: …, series: […] }} />
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EChartsCoreOption } from '../echarts.ts';
import { useDark } from '../theme.ts';
import { Skeleton } from './states.tsx';

/**
 * ECharts, fetched as soon as the app starts but outside its first bundle: the app asks for its
 * data meanwhile, and the numbers are on screen before the charts' code is.
 */
const echarts = import('../echarts.ts');
type Echarts = Awaited<typeof echarts>;
let loaded: Echarts | undefined;
void echarts.then((m) => {
  loaded = m;
});

export function Chart({
  option,
  label,
  height = 260,
}: {
  option: EChartsCoreOption;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<Echarts['init']> | undefined>(undefined);
  const dark = useDark();
  const [lib, setLib] = useState(loaded);
  useEffect(() => {
    if (lib === undefined) void echarts.then(setLib);
  }, [lib]);

  useEffect(() => {
    const el = box.current;
    if (el === null || lib === undefined) return;
    const c = lib.init(el, dark ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = undefined;
    };
  }, [dark, lib]);

  useEffect(() => {
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        textStyle: { fontFamily: 'inherit' },
        ...option,
        tooltip: { renderMode: 'richText', ...((option.tooltip as object | undefined) ?? {}) },
      },
      true,
    );
  }, [option, dark, lib]);

  if (lib === undefined) return <Skeleton kind="chart" label={`Loading the chart: ${label}`} />;
  return <div ref={box} class="chart" role="img" aria-label={label} style={{ height: `${height}px` }} />;
}
