import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626'];

export interface ChartSeries {
  label: string;
  /** One value per x; null where there is none. */
  values: (number | null)[];
}

/** Builds the uPlot chart into the container and keeps it as wide as its container. */
function useUPlot(build: (width: number) => uPlot.Options, data: uPlot.AlignedData, deps: unknown[]) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    const width = () => Math.max(240, element.clientWidth);
    const chart = new uPlot(build(width()), data, element);
    const observer = new ResizeObserver(() => chart.setSize({ width: width(), height: chart.height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, deps);
  return container;
}

/**
 * Values over days (x: UTC dates as `YYYY-MM-DD`). The figure's text alternative lists the
 * series' totals so the numbers are there without the picture.
 */
export function TimeSeriesChart(props: { title: string; days: string[]; series: ChartSeries[]; height?: number; testId?: string }) {
  const x = props.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
  const container = useUPlot(
    (width) => ({
      width,
      height: props.height ?? 220,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      series: [{}, ...props.series.map((series, i) => ({ label: series.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true } }))],
      axes: [{}, { size: 50 }],
      scales: { x: { time: true } },
    }),
    [x, ...props.series.map((series) => series.values)] as uPlot.AlignedData,
    [JSON.stringify(props.days), JSON.stringify(props.series)],
  );
  const summary = props.series.map((series) => `${series.label}: ${series.values.reduce<number>((sum, value) => sum + (value ?? 0), 0)}`).join(', ');
  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div ref={container} role="img" aria-label={`${props.title} over ${props.days.length} days. Totals: ${summary}`} />
    </figure>
  );
}

/** One bar per category (a label on the x axis). */
export function BarChart(props: { title: string; categories: string[]; series: ChartSeries[]; height?: number; testId?: string }) {
  const container = useUPlot(
    (width) => ({
      width,
      height: props.height ?? 220,
      series: [
        {},
        ...props.series.map((series, i) => ({
          label: series.label,
          fill: PALETTE[i % PALETTE.length],
          stroke: PALETTE[i % PALETTE.length],
          paths: uPlot.paths.bars!({ size: [0.6, 64] }),
          points: { show: false },
        })),
      ],
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } },
      axes: [{ values: (_u, splits) => splits.map((split) => props.categories[split] ?? '') }, { size: 50 }],
    }),
    [props.categories.map((_, i) => i), ...props.series.map((series) => series.values)] as uPlot.AlignedData,
    [JSON.stringify(props.categories), JSON.stringify(props.series)],
  );
  const summary = props.categories
    .map((category, i) => `${category}: ${props.series.map((series) => `${series.label} ${series.values[i] ?? 0}`).join(', ')}`)
    .join('; ');
  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div ref={container} role="img" aria-label={`${props.title}. ${summary}`} />
    </figure>
  );
}
