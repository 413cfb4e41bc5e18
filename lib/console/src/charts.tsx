/** Charts drawn by Chart.js: the aging buckets of a currency, and the DSO and CEI trend. */
import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);
// Screenshots and tests must not wait for animations.
Chart.defaults.animation = false;

function useChart(config: () => ChartConfiguration, deps: unknown[]) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config());
    return () => chart.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return canvas;
}

const BUCKET_LABELS: Record<string, string> = { current: 'Current', '1-30': '1–30 days', '31-60': '31–60 days', '61-90': '61–90 days', 'over-90': 'Over 90 days' };
const BUCKET_COLOURS = ['#2e7d32', '#f9a825', '#ef6c00', '#d84315', '#b71c1c'];

/** One bar per aging bucket; the table beside it carries the same figures for screen readers. */
export function AgingChart({ currency, buckets, order }: { currency: string; buckets: Record<string, string>; order: readonly string[] }) {
  const values = order.map((b) => Number(buckets[b] ?? '0'));
  const canvas = useChart(
    () => ({
      type: 'bar',
      data: {
        labels: order.map((b) => BUCKET_LABELS[b] ?? b),
        datasets: [{ label: `Open balance (${currency})`, data: values, backgroundColor: BUCKET_COLOURS }],
      },
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: currency } } } },
    }),
    [currency, values.join(',')],
  );
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={`Aging of ${currency} receivables: ${order.map((b, i) => `${BUCKET_LABELS[b] ?? b} ${values[i]}`).join(', ')}`} />
    </div>
  );
}

/** DSO (days, left axis) and CEI (percent, right axis) per month. */
export function TrendChart({ currency, months }: { currency: string; months: readonly { period: string; dso: number | null; cei: number | null }[] }) {
  const key = months.map((m) => `${m.period}:${m.dso}:${m.cei}`).join('|');
  const canvas = useChart(
    () => ({
      type: 'line',
      data: {
        labels: months.map((m) => m.period),
        datasets: [
          { label: 'DSO (days)', data: months.map((m) => m.dso), borderColor: '#1565c0', backgroundColor: '#1565c0', yAxisID: 'days', spanGaps: true },
          { label: 'CEI (%)', data: months.map((m) => m.cei), borderColor: '#6a1b9a', backgroundColor: '#6a1b9a', yAxisID: 'percent', spanGaps: true },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          days: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'days' } },
          percent: { type: 'linear', position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: '%' } },
        },
      },
    }),
    [currency, key],
  );
  return (
    <div class="chart">
      <canvas
        ref={canvas}
        role="img"
        aria-label={`DSO and CEI of ${currency} by month: ${months.map((m) => `${m.period} DSO ${m.dso ?? 'n/a'}, CEI ${m.cei ?? 'n/a'}`).join('; ')}`}
      />
    </div>
  );
}

/** The 13-week cash-in forecast of one currency: expected receipts per week as bars, the 80% interval as two lines. */
export function CashForecastChart({ currency, weeks }: { currency: string; weeks: readonly { weekStart: string; expected: string; low: string; high: string }[] }) {
  const key = weeks.map((w) => `${w.weekStart}:${w.expected}:${w.low}:${w.high}`).join('|');
  const canvas = useChart(
    () => ({
      type: 'bar',
      data: {
        labels: weeks.map((w) => w.weekStart),
        datasets: [
          { type: 'bar', label: `Expected (${currency})`, data: weeks.map((w) => Number(w.expected)), backgroundColor: '#1565c0' },
          { type: 'line', label: '80% interval, low', data: weeks.map((w) => Number(w.low)), borderColor: '#90a4ae', backgroundColor: '#90a4ae', borderDash: [4, 4] },
          { type: 'line', label: '80% interval, high', data: weeks.map((w) => Number(w.high)), borderColor: '#546e7a', backgroundColor: '#546e7a', borderDash: [4, 4] },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: currency } } } },
    }) as ChartConfiguration,
    [currency, key],
  );
  return (
    <div class="chart">
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Cash-in forecast of ${currency} by week: ${weeks.map((w) => `week of ${w.weekStart} expected ${w.expected} (${w.low} to ${w.high})`).join('; ')}`}
      />
    </div>
  );
}
