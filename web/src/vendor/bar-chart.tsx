/**
 * A horizontal bar chart in SVG for the reports (presentation attributes only: the app's CSP
 * forbids inline styles). Bar lengths are display-only numbers; every label shows the API's
 * exact figure. The same data is in the table beside it and in the CSV export.
 */
export interface Bar {
  label: string;
  value: number;
  display: string;
}

export function BarChartSvg({ title, bars }: { title: string; bars: readonly Bar[] }) {
  const rowHeight = 28;
  const labelWidth = 140;
  const width = 600;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * rowHeight + 8;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.display}`).join(', ')}`} preserveAspectRatio="xMinYMin meet">
        {bars.map((b, i) => {
          const length = max > 0 ? Math.max(1, ((width - labelWidth - 130) * b.value) / max) : 1;
          const y = 4 + i * rowHeight;
          return (
            <g key={`${b.label}-${i}`}>
              <text x={0} y={y + 18} font-size="13" fill="currentColor">
                {b.label.length > 18 ? `${b.label.slice(0, 17)}…` : b.label}
              </text>
              <rect x={labelWidth} y={y + 4} width={length} height={rowHeight - 10} class="chart-bar" />
              <text x={labelWidth + length + 6} y={y + 18} font-size="13" fill="currentColor">
                {b.display}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
