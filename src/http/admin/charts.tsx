/**
 * Horizontal bar charts drawn as SVG on the server: no script, readable on a phone, and
 * accessible: the SVG has a title and a description (`role="img"`), and the same figures follow
 * as a table in a `<details>` for screen readers and for copying.
 * @module
 */
import type { AdminText } from './context.js'

export type Bar = { label: string; value: number; display: string }

export type BarChartProps = {
  t: AdminText
  id: string
  title: string
  description: string
  bars: Bar[]
  /** The value of a full bar (100 for percentages); default the largest value. */
  max?: number
}

const WIDTH = 600
const LABEL_WIDTH = 170
const VALUE_WIDTH = 70
const ROW = 26

export function BarChart(props: BarChartProps) {
  const { t, bars } = props
  const titleId = `${props.id}-title`
  const descId = `${props.id}-desc`
  const max = props.max ?? Math.max(1, ...bars.map((bar) => bar.value))
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
  const height = Math.max(1, bars.length) * ROW + 8
  return (
    <figure class="chart" id={props.id}>
      <figcaption>
        <strong>{props.title}</strong>
      </figcaption>
      {bars.length === 0 ? (
        <p class="muted">{t('summary.chartEmpty')}</p>
      ) : (
        <svg
          viewBox={`0 0 ${WIDTH} ${height}`}
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
          xmlns="http://www.w3.org/2000/svg"
        >
          <title id={titleId}>{props.title}</title>
          <desc id={descId}>{props.description}</desc>
          {bars.map((bar, i) => {
            const y = 4 + i * ROW
            const length = max > 0 ? Math.round((Math.min(bar.value, max) / max) * span) : 0
            return (
              <g>
                <text x={LABEL_WIDTH - 8} y={y + 16} text-anchor="end">
                  {bar.label}
                </text>
                <rect
                  class="bar"
                  x={LABEL_WIDTH}
                  y={y + 3}
                  width={length}
                  height={ROW - 8}
                  rx="3"
                />
                <text x={LABEL_WIDTH + length + 6} y={y + 16}>
                  {bar.display}
                </text>
              </g>
            )
          })}
        </svg>
      )}
      {bars.length > 0 && (
        <details>
          <summary>{t('summary.chartData')}</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('summary.chartLabel')}</th>
                <th scope="col" class="num">
                  {t('summary.chartValue')}
                </th>
              </tr>
            </thead>
            <tbody>
              {bars.map((bar) => (
                <tr>
                  <td>{bar.label}</td>
                  <td class="num">{bar.display}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  )
}
