/**
 * Pelatihan: the cohorts in scope with attendance, completion and drop-out (from the training
 * indicator queries), and one cohort's participants × sessions grid (hadir, terlambat, izin,
 * absen), in daftar hadir order (by name).
 * @module
 */
import type { AdminCohort, CohortGrid } from '../../../db/queries/admin-training.js'
import type { TrainingIndicator } from '../../../db/queries/training-indicators.js'
import { formatDateTime, formatNumber, formatShortDate } from '../../../i18n/format.js'
import type { AdminText, Viewer } from '../context.js'
import { CsrfField } from '../layout.js'
import { DataTable, ExportLinks } from '../controls.js'
import { formatValue } from '../view-helpers.js'

export type CohortFigures = {
  cohort: AdminCohort
  enrolled: number
  attendance: TrainingIndicator
  completion: TrainingIndicator
  dropOut: TrainingIndicator
}

function Figure(props: { t: AdminText; figure: TrainingIndicator }) {
  return (
    <>
      {formatValue(props.figure.value, '%')}{' '}
      <span class="muted">
        (
        {props.t('summary.counts', {
          numerator: formatNumber(props.figure.numerator),
          denominator: formatNumber(props.figure.denominator),
        })}
        )
      </span>
    </>
  )
}

/** One effectiveness figure of a programme, labelled, as the API answers it. */
export type EffectivenessFigure = {
  key: string
  label: string
  formula: string
  unit: 'percent' | 'points'
  denominator: number
  value: number | null
}

/** The effectiveness figures of a programme in the reader's region. */
export type ProgrammeEffectiveness = { programmeCode: string; figures: EffectivenessFigure[] }

export type CohortListPageProps = {
  t: AdminText
  cohorts: CohortFigures[]
  asOf: Date
  timeZone: string
  exportLinks?: { csv: string; xlsx: string }
  effectiveness?: ProgrammeEffectiveness[]
}

/** Effectiveness per programme: each figure with its n and its formula in words. */
function EffectivenessTables(props: { t: AdminText; programmes: ProgrammeEffectiveness[] }) {
  const { t } = props
  return (
    <>
      {props.programmes.map((programme) => (
        <section>
          <h2>{t('training.effectivenessTitle', { programme: programme.programmeCode })}</h2>
          <p class="muted">{t('training.effectivenessHelp')}</p>
          <DataTable
            columns={[
              t('training.figure'),
              t('training.value'),
              { label: t('training.n'), num: true },
              t('training.formula'),
            ]}
          >
            {programme.figures.map((figure) => (
              <tr data-key={figure.key}>
                <td>{figure.label}</td>
                <td>
                  {figure.unit === 'points' && figure.value !== null
                    ? t('training.points', { value: formatValue(figure.value, '') })
                    : formatValue(figure.value, '%')}
                </td>
                <td class="num">{formatNumber(figure.denominator)}</td>
                <td>{figure.formula}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      ))}
    </>
  )
}

export function CohortListPage(props: CohortListPageProps) {
  const { t } = props
  if (props.cohorts.length === 0) return <p>{t('training.empty')}</p>
  return (
    <>
      <p class="muted">{t('training.asOf', { at: formatDateTime(props.asOf, props.timeZone) })}</p>
      {props.exportLinks && (
        <ExportLinks t={t} label={t('export.heading')} links={props.exportLinks} />
      )}
      <DataTable
        columns={[
          t('training.cohort'),
          t('training.kecamatan'),
          t('training.track'),
          t('training.mentor'),
          { label: t('training.enrolled'), num: true },
          t('training.attendance'),
          t('training.completion'),
          t('training.dropOut'),
        ]}
      >
        {props.cohorts.map((row) => (
          <tr>
            <td>
              <a href={`/admin/pelatihan/${row.cohort.id}`}>{row.cohort.code}</a>
            </td>
            <td>{row.cohort.kecamatanName}</td>
            <td>{t(`training.trackName.${row.cohort.track}`)}</td>
            <td>{row.cohort.mentorName ?? '–'}</td>
            <td class="num">{formatNumber(row.enrolled)}</td>
            <td>
              <Figure t={t} figure={row.attendance} />
            </td>
            <td>
              <Figure t={t} figure={row.completion} />
            </td>
            <td>
              <Figure t={t} figure={row.dropOut} />
            </td>
          </tr>
        ))}
      </DataTable>
      {props.effectiveness && <EffectivenessTables t={t} programmes={props.effectiveness} />}
    </>
  )
}

export type CohortGridPageProps = {
  t: AdminText
  grid: CohortGrid
  figures: CohortFigures
  timeZone: string
  now: Date
  exportLinks?: { csv: string; xlsx: string }
  /** The signed-in viewer: the kompeten form carries her CSRF token. */
  viewer?: Viewer
}

const STATUSES = ['present', 'late', 'izin', 'absent'] as const

export function CohortGridPage(props: CohortGridPageProps) {
  const { t, grid } = props
  const held = grid.sessions.filter((s) => !s.cancelled && s.endsAt <= props.now)
  return (
    <>
      <p>
        <a href="/admin/pelatihan">{t('training.back')}</a>
      </p>
      <dl class="detail">
        <dt>{t('training.kecamatan')}</dt>
        <dd>{grid.cohort.kecamatanName}</dd>
        <dt>{t('training.track')}</dt>
        <dd>{t(`training.trackName.${grid.cohort.track}`)}</dd>
        <dt>{t('training.mentor')}</dt>
        <dd>{grid.cohort.mentorName ?? '–'}</dd>
        <dt>{t('training.attendance')}</dt>
        <dd>
          <Figure t={t} figure={props.figures.attendance} />
        </dd>
        <dt>{t('training.completion')}</dt>
        <dd>
          <Figure t={t} figure={props.figures.completion} />
        </dd>
        <dt>{t('training.dropOut')}</dt>
        <dd>
          <Figure t={t} figure={props.figures.dropOut} />
        </dd>
      </dl>
      {props.exportLinks && (
        <ExportLinks t={t} label={t('export.attendance')} links={props.exportLinks} />
      )}
      <p>
        <a id="certificates" href={`/admin/pelatihan/${grid.cohort.id}/sertifikat.pdf`}>
          {t('training.certificates')}
        </a>
      </p>
      {props.viewer && <KompetenForm t={t} grid={grid} now={props.now} viewer={props.viewer} />}
      <p class="muted">
        {t('training.legend')}:{' '}
        {[...STATUSES, 'none' as const]
          .map((s) => `${t(`training.short.${s}`)} = ${t(`training.status.${s}`)}`)
          .join(', ')}
      </p>
      {grid.sessions.length === 0 ? (
        <p>{t('training.noSessions')}</p>
      ) : grid.participants.length === 0 ? (
        <p>{t('training.noParticipants')}</p>
      ) : (
        <div class="table-wrap">
          <table class="grid">
            <caption class="muted">{t('training.gridCaption', { code: grid.cohort.code })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('training.participant')}</th>
                {grid.sessions.map((s, i) => (
                  <th scope="col" title={s.topic}>
                    {i + 1}
                    <br />
                    <span class="muted">{formatShortDate(s.date)}</span>
                    {s.cancelled && <span class="badge">{t('training.cancelled')}</span>}
                  </th>
                ))}
                <th scope="col" class="num">
                  {t('training.presentCount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {grid.participants.map((p) => {
                const present = held.filter((s) => {
                  const status = p.cells[s.id]
                  return status === 'present' || status === 'late'
                }).length
                return (
                  <tr>
                    <th scope="row">
                      {p.name}
                      {p.minor && <span class="badge">{t('training.minor')}</span>}
                      {p.status === 'withdrawn' && (
                        <span class="badge">{t('training.withdrawn')}</span>
                      )}
                      {p.kompeten === false && (
                        <span class="badge">{t('training.notKompeten')}</span>
                      )}
                    </th>
                    {grid.sessions.map((s) => {
                      const status = p.cells[s.id]
                      const key = status ?? 'none'
                      return (
                        <td class={status ? `s-${status}` : ''} title={t(`training.status.${key}`)}>
                          <abbr title={t(`training.status.${key}`)}>
                            {t(`training.short.${key}`)}
                          </abbr>
                        </td>
                      )
                    })}
                    <td class="num">
                      {formatNumber(present)}/{formatNumber(held.length)}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}

/**
 * The kompeten marks of a cohort whose sessions are all over (docs/domain.md, decision 18): a box
 * per participant not withdrawn, ticked for kompeten; saving marks the others belum kompeten.
 */
function KompetenForm(props: { t: AdminText; grid: CohortGrid; now: Date; viewer: Viewer }) {
  const { t, grid } = props
  const open = grid.sessions.filter((s) => !s.cancelled)
  const over = open.length > 0 && open.every((s) => s.endsAt <= props.now)
  const marked = grid.participants.filter((p) => p.status !== 'withdrawn')
  if (!over || marked.length === 0) return null
  return (
    <form method="post" action={`/admin/pelatihan/${grid.cohort.id}/kompeten`} id="kompeten">
      <CsrfField viewer={props.viewer} />
      <fieldset>
        <legend>{t('training.kompetenTitle')}</legend>
        <p class="muted">{t('training.kompetenHelp')}</p>
        {marked.map((p) => (
          <label>
            <input type="hidden" name="dinilai" value={String(p.personId)} />
            <input
              type="checkbox"
              name="kompeten"
              value={String(p.personId)}
              checked={p.kompeten === true}
            />{' '}
            {p.name}
          </label>
        ))}
        <button type="submit">{t('training.kompetenSave')}</button>
      </fieldset>
    </form>
  )
}
