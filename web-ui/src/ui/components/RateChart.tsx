import type { JobState } from '../api';

/**
 * A line per state of how many jobs entered it each second, over the last minute. Drawn as SVG:
 * no chart library, scales to its box, colours from the theme. The figure's caption carries the
 * current numbers for screen readers.
 */
export function RateChart({ series, seconds }: { series: Map<JobState, number[]>; seconds: number }) {
  const width = 600;
  const height = 180;
  const peak = Math.max(1, ...[...series.values()].flat());
  const top = niceCeiling(peak);
  const x = (i: number) => (i / (seconds - 1)) * width;
  const y = (v: number) => height - (v / top) * height;
  const latest = [...series.entries()].map(([state, values]) => ({ state, now: values[values.length - 1] ?? 0, total: values.reduce((a, b) => a + b, 0) }));
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img"
        aria-label={`Jobs per second by state, last ${seconds} seconds: ${latest.map((l) => `${l.state} ${l.now}`).join(', ')}`}>
        {[0.25, 0.5, 0.75].map((f) => <line key={f} className="chart-grid" x1={0} x2={width} y1={height * f} y2={height * f} />)}
        {[...series.entries()].map(([state, values]) => (
          <polyline key={state} className={`chart-line line-${state.toLowerCase()}`} fill="none"
            points={values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />
        ))}
      </svg>
      <div className="chart-axis" aria-hidden="true"><span>−{seconds} s</span><span>max {top}/s</span><span>now</span></div>
      <figcaption>
        <ul className="legend">
          {latest.map(({ state, now, total }) => (
            <li key={state}><span className={`swatch line-${state.toLowerCase()}`} aria-hidden="true" />
              {state} <strong>{now}/s</strong> <span className="muted">({total} in {seconds} s)</span></li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= value) ?? value;
}
