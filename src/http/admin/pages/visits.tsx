/**
 * Kunjungan: the visit list with filters and paging, and one visit's detail (photo, location
 * link, referral). Scope is applied by the queries; the page only renders.
 * @module
 */
import type {
  AdminVisitDetail,
  AdminVisitRow,
  ReferralFilter,
} from '../../../db/queries/admin-visits.js'
import { FOLLOW_UP_STATUSES, SASARAN } from '../../../domain/visits.js'
import { formatDateTime, formatNumber, formatShortDate } from '../../../i18n/format.js'
import type { AdminText } from '../context.js'
import { DataTable, ExportLinks, FilterSelect, KecamatanSelect, namedChoices } from '../controls.js'
import { filterQuery, monthName, recentMonths } from '../view-helpers.js'

export type VisitFilters = {
  bulan?: string
  kecamatan?: string
  desa?: string
  kader?: number
  sasaran?: string
  rujukan?: ReferralFilter
}

export type VisitListPageProps = {
  t: AdminText
  filters: VisitFilters
  rows: AdminVisitRow[]
  next?: string
  paged: boolean
  currentMonth: string
  kecamatan: { code: string; name: string }[]
  desa: { code: string; name: string }[]
  cadres: { id: number; name: string }[]
  /** Links to the visit exports, when the export routes exist. */
  exportLinks?: { csv: string; xlsx: string }
  sasaranLabel: (value: string) => string
}

export function VisitListPage(props: VisitListPageProps) {
  const { t, filters } = props
  return (
    <>
      <form class="filters" method="get" action="/admin/kunjungan">
        <FilterSelect
          t={t}
          label={t('filter.month')}
          name="bulan"
          choices={recentMonths(props.currentMonth, 24).map((m) => ({
            value: m,
            label: monthName(m),
          }))}
          selected={filters.bulan}
        />
        <KecamatanSelect t={t} kecamatan={props.kecamatan} selected={filters.kecamatan} />
        {props.desa.length > 0 && (
          <FilterSelect
            t={t}
            label={t('filter.desa')}
            name="desa"
            choices={namedChoices(props.desa)}
            selected={filters.desa}
          />
        )}
        <FilterSelect
          t={t}
          label={t('filter.cadre')}
          name="kader"
          choices={props.cadres.map((c) => ({ value: String(c.id), label: c.name }))}
          selected={filters.kader === undefined ? undefined : String(filters.kader)}
        />
        <FilterSelect
          t={t}
          label={t('filter.sasaran')}
          name="sasaran"
          choices={SASARAN.map((s) => ({ value: s, label: props.sasaranLabel(s) }))}
          selected={filters.sasaran}
        />
        <FilterSelect
          t={t}
          label={t('filter.referral')}
          name="rujukan"
          choices={FOLLOW_UP_STATUSES.map((s) => ({ value: s, label: t(`referralStatus.${s}`) }))}
          selected={filters.rujukan}
        >
          <option value="none" selected={filters.rujukan === 'none'}>
            {t('filter.referralNone')}
          </option>
          <option value="any" selected={filters.rujukan === 'any'}>
            {t('filter.referralAny')}
          </option>
        </FilterSelect>
        <button type="submit">{t('filter.apply')}</button>
        <a href="/admin/kunjungan">{t('filter.reset')}</a>
      </form>
      {props.exportLinks && (
        <ExportLinks t={t} label={t('export.heading')} links={props.exportLinks}>
          {filters.rujukan && <span class="muted">{t('export.noReferralFilter')}</span>}
        </ExportLinks>
      )}
      {props.rows.length === 0 ? (
        <p>{t('visits.empty')}</p>
      ) : (
        <DataTable
          columns={[
            t('visits.reference'),
            t('visits.date'),
            t('visits.family'),
            t('visits.cadre'),
            t('visits.place'),
            t('visits.sasaran'),
            t('visits.referral'),
          ]}
          caption={t('visits.count', { count: formatNumber(props.rows.length) })}
        >
          {props.rows.map((row) => (
            <tr>
              <td>
                <a href={`/admin/kunjungan/${row.id}`}>{row.reference}</a>
                {row.status === 'withdrawn' && <span class="badge">{t('visits.withdrawn')}</span>}
              </td>
              <td>{formatShortDate(row.visitDate)}</td>
              <td>{row.headName}</td>
              <td>{row.cadreName}</td>
              <td>
                {row.desaName}
                {row.kecamatanName ? `, ${row.kecamatanName}` : ''}
              </td>
              <td>{row.sasaran.map((s) => s.toUpperCase()).join(', ')}</td>
              <td>{row.referralStatus ? t(`referralStatus.${row.referralStatus}`) : '–'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav class="pager" aria-label={t('paging.label')}>
        {props.paged && <a href={`/admin/kunjungan${filterQuery(filters)}`}>{t('paging.first')}</a>}
        {props.next && (
          <a href={`/admin/kunjungan${filterQuery(filters, props.next)}`} rel="next">
            {t('paging.next')}
          </a>
        )}
      </nav>
    </>
  )
}

export type VisitDetailPageProps = {
  t: AdminText
  visit: AdminVisitDetail
  timeZone: string
  /** Renders an option label of the visit form (`visit-report:<list>.<value>`). */
  option: (list: string, value: string) => string
}

export function VisitDetailPage(props: VisitDetailPageProps) {
  const { t, visit, option } = props
  const list = (name: string, values: string[]) =>
    values.length === 0 ? '–' : values.map((v) => option(name, v)).join(', ')
  return (
    <>
      <p>
        <a href="/admin/kunjungan">{t('visits.back')}</a>
      </p>
      <p class="muted">{t('visits.auditNotice')}</p>
      {visit.duplicateOf !== null && <p class="error">{t('visits.duplicate')}</p>}
      <dl class="detail">
        <dt>{t('visits.date')}</dt>
        <dd>{formatShortDate(visit.visitDate)}</dd>
        <dt>{t('visits.family')}</dt>
        <dd>{visit.headName}</dd>
        <dt>{t('visits.dusun')}</dt>
        <dd>{visit.dusunRwRt ?? '–'}</dd>
        <dt>{t('visits.place')}</dt>
        <dd>
          {visit.desaName}
          {visit.kecamatanName ? `, ${visit.kecamatanName}` : ''} ({visit.desaCode})
        </dd>
        <dt>{t('visits.cadre')}</dt>
        <dd>{visit.cadreName}</dd>
        <dt>{t('visits.sasaran')}</dt>
        <dd>{list('sasaran', visit.sasaran)}</dd>
        <dt>{t('visits.krs')}</dt>
        <dd>{visit.krs ? t('visits.yes') : t('visits.no')}</dd>
        <dt>{t('visits.kbStatus')}</dt>
        <dd>{visit.kbStatus ? option('kbStatus', visit.kbStatus) : '–'}</dd>
        <dt>{t('visits.kbMethod')}</dt>
        <dd>{visit.kbMethod ? option('kbMethod', visit.kbMethod) : '–'}</dd>
        <dt>{t('visits.kbIntent')}</dt>
        <dd>{visit.kbIntent ? option('kbIntent', visit.kbIntent) : '–'}</dd>
        <dt>{t('visits.risk4t')}</dt>
        <dd>{list('risk4t', visit.risk4t)}</dd>
        <dt>{t('visits.envRisks')}</dt>
        <dd>{list('envRisks', visit.envRisks)}</dd>
        <dt>{t('visits.lila')}</dt>
        <dd>{visit.lila === null ? '–' : formatNumber(visit.lila)}</dd>
        <dt>{t('visits.hb')}</dt>
        <dd>{visit.hb === null ? '–' : formatNumber(visit.hb)}</dd>
        <dt>{t('visits.actions')}</dt>
        <dd>{list('actions', visit.actions)}</dd>
        <dt>{t('visits.note')}</dt>
        <dd>{visit.note ?? '–'}</dd>
        <dt>{t('visits.reportedAt')}</dt>
        <dd>{formatDateTime(visit.createdAt, props.timeZone)}</dd>
        <dt>{t('visits.location')}</dt>
        <dd>
          {visit.lat !== null && visit.lng !== null ? (
            <a
              href={`https://www.openstreetmap.org/?mlat=${visit.lat}&mlon=${visit.lng}#map=17/${visit.lat}/${visit.lng}`}
              rel="noopener noreferrer"
              target="_blank"
            >
              {t('visits.openMap', { lat: visit.lat.toFixed(5), lng: visit.lng.toFixed(5) })}
            </a>
          ) : (
            t('visits.noLocation')
          )}
        </dd>
      </dl>
      <h2>{t('visits.referral')}</h2>
      {visit.referral ? (
        <dl class="detail">
          <dt>{t('visits.referralTarget')}</dt>
          <dd>{option('referralTarget', visit.referral.target)}</dd>
          <dt>{t('visits.referralReason')}</dt>
          <dd>{option('referralReason', visit.referral.reason)}</dd>
          <dt>{t('visits.referralFollowUp')}</dt>
          <dd>{formatShortDate(visit.referral.followUpDate)}</dd>
          <dt>{t('visits.referralStatus')}</dt>
          <dd>{t(`referralStatus.${visit.referral.status}`)}</dd>
        </dl>
      ) : (
        <p>{t('visits.noReferral')}</p>
      )}
      <h2>{t('visits.photo')}</h2>
      {visit.photoRef ? (
        <img
          class="photo"
          src={`/admin/kunjungan/${visit.id}/foto`}
          alt={t('visits.photoAlt', { reference: visit.reference })}
        />
      ) : (
        <p>{t('visits.noPhoto')}</p>
      )}
    </>
  )
}
