/**
 * ECharts with only what the initial views draw (line charts on a canvas), so the first bundle
 * stays small; a view that needs another chart registers it in its own file (`use([...])`).
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { type EChartsCoreOption, init, use } from 'echarts/core';
