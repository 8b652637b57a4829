/**
 * An ECharts chart on a canvas, redrawn when its option or the theme changes and resized with
 * its box. Tooltips are drawn as rich text on the canvas (`renderMode: 'richText'`), so no
 * tracked string is ever parsed as HTML. The element is labelled for screen readers.
 *
 *   <Chart label="Sessions per day" option={{ xAxis: …, series: […] }} />
 */
import { useEffect, useRef } from 'preact/hooks';
import { type EChartsCoreOption, init } from '../echarts.ts';
import { useDark } from '../theme.ts';

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
  const chart = useRef<ReturnType<typeof init> | undefined>(undefined);
  const dark = useDark();

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const c = init(el, dark ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = undefined;
    };
  }, [dark]);

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
  }, [option, dark]);

  return <div ref={box} class="chart" role="img" aria-label={label} style={{ height: `${height}px` }} />;
}
