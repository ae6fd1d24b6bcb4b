/**
 * Ringkasan: the indicators of docs/domain.md, decision 13 for a month and a region within the
 * viewer's scope, each with its formula, three charts (visits per week, attendance per cohort,
 * active-cadre rate per kecamatan) and a schematic map of visits per kecamatan. Figures come
 * from the indicator queries, never recomputed; the training facts are read once per programme.
 * @module
 */
import type { Db } from '../../../db/client.js'
import {
  activeCadreRate,
  activeCadreRateByKecamatan,
  countVisitsByKecamatan,
  readVisitIndicators,
} from '../../../db/queries/indicators.js'
import { endOfPeriod } from '../../../db/queries/listings.js'
import { countVisitsByWeek } from '../../../db/queries/admin-visits.js'
import { listAdminCohorts } from '../../../db/queries/admin-training.js'
import { readTrainingIndicatorsByCohort } from '../../../db/queries/training-indicators.js'
import { ensureDefaultProgramme } from '../../../db/queries/training-programmes.js'
import { KABUPATEN_CODE, coversRegion } from '../../../domain/people.js'
import type { RegionDirectory } from '../../../domain/regions.js'
import { formatNumber } from '../../../i18n/format.js'
import { readKbIndicators } from '../../../db/queries/kb-indicators.js'
import { type KbIndicators, SIGA_METHOD_CODES } from '../../../domain/kb.js'
import { BarChart, type Bar } from '../charts.js'
import { KecamatanMap, type MapArea } from '../kecamatan-map.js'
import type { AdminText, Viewer } from '../context.js'
import { KecamatanSelect } from '../controls.js'
import { formatValue, kecamatanChoices, monthName, nameOf, recentMonths } from '../view-helpers.js'

/** One indicator card: its name, value, counts and formula. */
type Card = {
  id: string
  value: string
  counts?: { numerator: number; denominator: number }
  /** The text of the counts (default `summary.counts`, "3 dari 4"). */
  countsKey?: string
}

export type SummaryData = {
  period: string
  /** The region the figures are for (the viewer's scope or narrower). */
  region: string
  kecamatan?: string
  visitCards: Card[]
  /** The KB register's indicators (docs/domain.md "KB register"). */
  kbCards: Card[]
  /** Active users (PA) and new acceptors (PB) of the month by SIGA method. */
  kbByMethod: { code: string; active: number; new: number }[]
  trainingCards: Card[] | null
  weeks: Bar[]
  cohorts: Bar[]
  cadres: Bar[]
  /** Visits of the month per kecamatan (`value` null: outside the region shown). */
  map: MapArea[]
}

export type LoadSummaryParams = {
  viewer: Viewer
  period: string
  region: string
  kecamatan?: string
  now: Date
  timeZone: string
  directory: RegionDirectory
}

const percent = (value: number | null) => formatValue(value, '%')

/** The training cards in the order the page shows them. */
const SUMMARY_TRAINING_CARDS = [
  'attendanceRate',
  'completionRate',
  'dropOutRate',
  'targetAchievement',
] as const

/** Reads every figure of the page. */
export async function loadSummary(db: Db, params: LoadSummaryParams): Promise<SummaryData> {
  const { period, region, directory } = params
  const scope = { period, scope: region }
  const {
    visitsPerCadre: perCadre,
    activeCadreRate: active,
    familiesVisited: familyCount,
    referralCompletion: referrals,
    krsCoverage: krs,
    kbParticipation: kb,
  } = await readVisitIndicators(db, scope)
  const visitCards: Card[] = [
    {
      id: 'visitsPerCadre',
      value: formatValue(perCadre.value),
      counts: { numerator: perCadre.visits, denominator: perCadre.activeCadres },
      countsKey: 'summary.countsPerCadre',
    },
    {
      id: 'activeCadreRate',
      value: percent(active.value),
      counts: { numerator: active.active, denominator: active.registered },
    },
    { id: 'familiesVisited', value: formatNumber(familyCount) },
    {
      id: 'referralCompletion',
      value: percent(referrals.value),
      counts: { numerator: referrals.closed, denominator: referrals.made },
    },
    {
      id: 'krsCoverage',
      value: percent(krs.value),
      counts: { numerator: krs.visited, denominator: krs.known },
    },
    {
      id: 'kbParticipation',
      value: percent(kb.value),
      counts: { numerator: kb.modern, denominator: kb.pusVisited },
    },
  ]

  const register = await readKbIndicators(db, { period, region })
  // Percentages over PUS say which PUS they used: imported, or the PUS families visited.
  const overPus = (f: KbIndicators['mcpr']): Card => ({
    id: '',
    value: percent(f.value),
    counts: { numerator: f.numerator, denominator: f.denominator },
    countsKey: f.source === 'imported' ? 'summary.countsPusImported' : 'summary.countsPusVisited',
  })
  const kbCards: Card[] = [
    { id: 'kbActiveUsers', value: formatNumber(register.kbActiveUsers.value) },
    { id: 'kbNewAcceptors', value: formatNumber(register.kbNewAcceptors.value) },
    {
      id: 'mkjpShare',
      value: percent(register.mkjpShare.value),
      counts: {
        numerator: register.mkjpShare.numerator,
        denominator: register.mkjpShare.denominator,
      },
    },
    { ...overPus(register.unmetNeed), id: 'unmetNeed' },
    { ...overPus(register.mcpr), id: 'mcpr' },
    {
      id: 'kbDropOutRate',
      value: percent(register.kbDropOutRate.value),
      counts: {
        numerator: register.kbDropOutRate.numerator,
        denominator: register.kbDropOutRate.denominator,
      },
    },
  ]
  const kbByMethod = SIGA_METHOD_CODES.map((code) => ({
    code,
    active: register.kbActiveUsers.byMethod[code] ?? 0,
    new: register.kbNewAcceptors.byMethod[code] ?? 0,
  }))

  // Training figures are per programme and kecamatan; a desa-level region has no cohorts.
  const level = region.split('.').length
  const monthEnd = endOfPeriod(period, params.timeZone)
  const asOf = monthEnd < params.now ? monthEnd : params.now
  let trainingCards: Card[] | null = null
  let cohortBars: Bar[] = []
  if (level <= 3) {
    const programmeId = await ensureDefaultProgramme(db)
    const trainingScope = {
      programmeId,
      asOf,
      ...(region === KABUPATEN_CODE ? {} : { kecamatanCode: region }),
    }
    // One read of the training facts per programme gives the cards and every cohort's bar.
    const byProgramme = new Map([
      [programmeId, await readTrainingIndicatorsByCohort(db, trainingScope)],
    ])
    const figures = byProgramme.get(programmeId)!.total
    trainingCards = SUMMARY_TRAINING_CARDS.map((id) => ({
      id,
      value: percent(figures[id].value),
      counts: { numerator: figures[id].numerator, denominator: figures[id].denominator },
    }))
    const cohorts = await listAdminCohorts(db, {
      scope: { regionPrefix: region },
    })
    for (const cohort of cohorts) {
      let programme = byProgramme.get(cohort.programmeId)
      if (!programme) {
        programme = await readTrainingIndicatorsByCohort(db, {
          ...trainingScope,
          programmeId: cohort.programmeId,
        })
        byProgramme.set(cohort.programmeId, programme)
      }
      const rate = programme.cohorts.get(cohort.id)?.attendanceRate
      if (rate && rate.value !== null) {
        cohortBars.push({ label: cohort.code, value: rate.value, display: percent(rate.value) })
      }
    }
  }

  const weeks = await countVisitsByWeek(db, {
    scope: params.viewer.scope,
    period,
    regionCode: region,
  })
  const lastDay = new Date(monthEnd.getTime() - 86_400_000)
  const days = Number(
    new Intl.DateTimeFormat('en-US', { day: 'numeric', timeZone: params.timeZone }).format(lastDay)
  )
  const weekBars = weeks
    .filter((week) => (week.week - 1) * 7 + 1 <= days)
    .map((week) => ({
      label: `${(week.week - 1) * 7 + 1}–${Math.min(week.week * 7, days)}`,
      value: week.visits,
      display: formatNumber(week.visits),
    }))

  const cadreBars: Bar[] = []
  if (level === 2) {
    const rates = await activeCadreRateByKecamatan(db, { period, scope: region })
    for (const entry of kecamatanChoices(directory, region)) {
      const rate = rates.get(entry.code)
      if (rate && rate.value !== null) {
        cadreBars.push({ label: entry.name, value: rate.value, display: percent(rate.value) })
      }
    }
  } else {
    const rate = await activeCadreRate(db, { period, scope: region })
    if (rate.value !== null) {
      const label = nameOf(directory, region) ?? region
      cadreBars.push({ label, value: rate.value, display: percent(rate.value) })
    }
  }
  const visitsByKecamatan = await countVisitsByKecamatan(db, { period, scope: region })
  const mapAreas: MapArea[] = kecamatanChoices(directory, KABUPATEN_CODE).map((entry) => {
    const visits = visitsByKecamatan.get(entry.code) ?? 0
    const inScope = coversRegion(region, entry.code) || coversRegion(entry.code, region)
    return {
      code: entry.code,
      name: entry.name,
      value: inScope ? visits : null,
      display: inScope ? formatNumber(visits) : '–',
    }
  })
  cohortBars = cohortBars.slice(0, 40)
  return {
    period,
    region,
    kecamatan: params.kecamatan,
    visitCards,
    kbCards,
    kbByMethod,
    trainingCards,
    weeks: weekBars,
    cohorts: cohortBars,
    cadres: cadreBars,
    map: mapAreas,
  }
}

export type SummaryPageProps = {
  t: AdminText
  data: SummaryData
  months: string[]
  kecamatan: { code: string; name: string }[]
  regionName: string
  /** The shown month has no visits: the latest month that has (said with a link to it). */
  latestWithData?: string
}

function Cards(props: { t: AdminText; cards: Card[] }) {
  const { t } = props
  return (
    <div class="cards">
      {props.cards.map((card) => (
        <section class="card" id={`ind-${card.id}`} aria-labelledby={`ind-${card.id}-name`}>
          <h3 id={`ind-${card.id}-name`}>{t(`indicators.${card.id}.name`)}</h3>
          <p class="value">{card.value}</p>
          {card.counts && (
            <p class="counts">
              {t(card.countsKey ?? 'summary.counts', {
                numerator: formatNumber(card.counts.numerator),
                denominator: formatNumber(card.counts.denominator),
              })}
            </p>
          )}
          <p class="formula">
            <span class="muted">{t('summary.formula')}: </span>
            {t(`indicators.${card.id}.formula`)}
          </p>
        </section>
      ))}
    </div>
  )
}

export function SummaryPage(props: SummaryPageProps) {
  const { t, data } = props
  const month = monthName(data.period)
  return (
    <>
      <form class="filters" method="get" action="/admin">
        <label>
          {t('filter.month')}
          <select name="bulan">
            {recentMonths(props.months[0] ?? data.period, 24).map((m) => (
              <option value={m} selected={m === data.period}>
                {monthName(m)}
              </option>
            ))}
          </select>
        </label>
        <KecamatanSelect t={t} kecamatan={props.kecamatan} selected={data.kecamatan} />
        <button type="submit">{t('filter.apply')}</button>
      </form>
      <p class="muted">{t('summary.period', { month, scope: props.regionName })}</p>
      {props.latestWithData && (
        <p class="notice" id="empty-month">
          {t('summary.emptyMonth', { month })}{' '}
          <a
            href={`/admin?bulan=${props.latestWithData}${data.kecamatan ? `&kecamatan=${data.kecamatan}` : ''}`}
          >
            {t('summary.latestData', { month: monthName(props.latestWithData) })}
          </a>
        </p>
      )}
      <h2>{t('summary.visitsHeading')}</h2>
      <Cards t={t} cards={data.visitCards} />
      <h2>{t('summary.kbHeading')}</h2>
      <Cards t={t} cards={data.kbCards} />
      <table id="kb-by-method">
        <caption>{t('summary.kbByMethod', { month })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('summary.kbMethod')}</th>
            <th scope="col">{t('indicators.kbActiveUsers.name')}</th>
            <th scope="col">{t('indicators.kbNewAcceptors.name')}</th>
          </tr>
        </thead>
        <tbody>
          {data.kbByMethod.map((row) => (
            <tr>
              <th scope="row">{row.code}</th>
              <td>{formatNumber(row.active)}</td>
              <td>{formatNumber(row.new)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('summary.trainingHeading')}</h2>
      {data.trainingCards ? (
        <Cards t={t} cards={data.trainingCards} />
      ) : (
        <p class="muted">{t('summary.trainingNotInScope')}</p>
      )}
      <h2>{t('summary.chartsHeading')}</h2>
      <div class="charts">
        <BarChart
          t={t}
          id="chart-weeks"
          title={t('summary.chartWeeks')}
          description={t('summary.chartWeeksDesc', { month })}
          bars={data.weeks}
        />
        <BarChart
          t={t}
          id="chart-cohorts"
          title={t('summary.chartCohorts')}
          description={t('summary.chartCohortsDesc', { month })}
          bars={data.cohorts}
          max={100}
        />
        <BarChart
          t={t}
          id="chart-cadres"
          title={t('summary.chartCadres')}
          description={t('summary.chartCadresDesc', { month })}
          bars={data.cadres}
          max={100}
        />
      </div>
      <KecamatanMap
        t={t}
        id="map-visits"
        title={t('summary.mapTitle')}
        description={t('summary.mapDesc', { month })}
        areas={data.map}
      />
    </>
  )
}
