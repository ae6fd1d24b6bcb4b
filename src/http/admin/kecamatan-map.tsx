/**
 * A schematic map of visits by kecamatan, drawn as SVG on the server with no tiles or script
 * (the dashboard works offline). There are no boundary shapes in the repository, so each
 * kecamatan is one square placed on a grid by its approximate centroid
 * (`domain/kecamatan-positions.ts`), shaded by its visits in five steps. Accessible like the bar
 * charts: `role="img"` with a title and description, a `<title>` per square, and the figures as
 * a table in a `<details>`.
 * @module
 */
import { KECAMATAN_POSITIONS } from '../../domain/kecamatan-positions.js'
import type { AdminText } from './context.js'

/** One kecamatan's figure; `value` null when it lies outside the region shown. */
export type MapArea = { code: string; name: string; value: number | null; display: string }

export type KecamatanMapProps = {
  t: AdminText
  id: string
  title: string
  description: string
  areas: MapArea[]
}

const CELL_W = 64
const CELL_H = 50
const GAP = 3
const LEGEND_H = 34
/** Fills from no visits to the most; the text turns white on the two darkest. */
const SHADES = ['#eef2f7', '#c6dbef', '#6baed6', '#2171b5', '#08306b'] as const
const OUTSIDE = '#ffffff'

/** The shade step of a value: 0 for none, then four equal steps up to the largest. */
export function shadeStep(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0
  return Math.min(4, Math.ceil((value / max) * 4))
}

/**
 * The legend: each step with the whole numbers it covers (step k: above (k-1)/4 of the largest
 * value, up to k/4), leaving out steps no whole number falls in (small counts).
 */
export function legendEntries(max: number): { fill: string; label: string }[] {
  return SHADES.flatMap((fill, step) => {
    if (step === 0) return [{ fill, label: '0' }]
    const low = Math.floor((max * (step - 1)) / 4) + 1
    const high = Math.floor((max * step) / 4)
    if (low > high) return []
    return [{ fill, label: low === high ? `${low}` : `${low}–${high}` }]
  })
}

/** The name split into at most two lines that fit a square. */
function nameLines(name: string): string[] {
  const words = name.split(' ')
  if (words.length === 1 || name.length <= 12) return [name]
  return [words[0]!, words.slice(1).join(' ')]
}

export function KecamatanMap(props: KecamatanMapProps) {
  const { t, areas } = props
  const titleId = `${props.id}-title`
  const descId = `${props.id}-desc`
  const byCode = new Map(areas.map((area) => [area.code, area]))
  const placed = KECAMATAN_POSITIONS.filter((p) => byCode.has(p.code))
  const max = Math.max(0, ...areas.map((area) => area.value ?? 0))
  const cols = Math.max(...KECAMATAN_POSITIONS.map((p) => p.col)) + 1
  const rows = Math.max(...KECAMATAN_POSITIONS.map((p) => p.row)) + 1
  const width = cols * (CELL_W + GAP)
  const height = rows * (CELL_H + GAP) + LEGEND_H
  const legend = legendEntries(max)
  return (
    <figure class="chart map" id={props.id}>
      <figcaption>
        <strong>{props.title}</strong> <span class="muted">{t('summary.mapNote')}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{props.description}</desc>
        {placed.map((position) => {
          const area = byCode.get(position.code)!
          const x = position.col * (CELL_W + GAP)
          const y = position.row * (CELL_H + GAP)
          const step = area.value === null ? -1 : shadeStep(area.value, max)
          const fill = step < 0 ? OUTSIDE : SHADES[step]!
          const lines = nameLines(area.name)
          const textClass = step >= 3 ? 'on-dark' : undefined
          return (
            <g data-code={area.code}>
              <title>
                {area.name}: {area.value === null ? t('summary.mapOutside') : area.display}
              </title>
              <rect
                x={x}
                y={y}
                width={CELL_W}
                height={CELL_H}
                rx="4"
                fill={fill}
                stroke="#9aa9b8"
                stroke-dasharray={step < 0 ? '3 2' : undefined}
              />
              {lines.map((line, i) => (
                <text class={textClass} x={x + CELL_W / 2} y={y + 13 + i * 10} text-anchor="middle">
                  {line}
                </text>
              ))}
              <text
                class={textClass ? `count ${textClass}` : 'count'}
                x={x + CELL_W / 2}
                y={y + CELL_H - 7}
                text-anchor="middle"
              >
                {area.display}
              </text>
            </g>
          )
        })}
        <g transform={`translate(0 ${rows * (CELL_H + GAP) + 6})`}>
          <text class="legend" x="0" y="16">
            {t('summary.mapLegend')}
          </text>
          {legend.map((entry, i) => (
            <g transform={`translate(${110 + i * 90} 0)`}>
              <rect width="22" height="22" rx="3" fill={entry.fill} stroke="#9aa9b8" />
              <text class="legend" x="28" y="16">
                {entry.label}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <details>
        <summary>{t('summary.chartData')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('summary.mapKecamatan')}</th>
              <th scope="col" class="num">
                {t('summary.mapVisits')}
              </th>
            </tr>
          </thead>
          <tbody>
            {areas
              .filter((area) => area.value !== null)
              .map((area) => (
                <tr>
                  <td>{area.name}</td>
                  <td class="num">{area.display}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
