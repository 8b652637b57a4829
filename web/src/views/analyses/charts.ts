/**
 * The chart types the analyses draw beyond the first bundle's line charts: a Sankey for paths,
 * bars for funnels and a heatmap (with its colour scale) for activity. Imported by the
 * analyses' lazily loaded view, so the first bundle stays as it is.
 */
import { BarChart, HeatmapChart, SankeyChart } from 'echarts/charts';
import { VisualMapComponent } from 'echarts/components';
import { use } from '../../echarts.ts';

use([SankeyChart, BarChart, HeatmapChart, VisualMapComponent]);
