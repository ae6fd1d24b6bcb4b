/**
 * Orang: the people in scope (no phone numbers shown), the self-registrations awaiting approval
 * with approve/reject buttons, and, for kabupaten admins, the CSV import form (people, training
 * sessions or enrollments; it runs as a job, `imports.tsx`).
 * @module
 */
import type { AdminPersonRow } from '../../../db/queries/admin-people.js'
import type { PendingRegistrationRow } from '../../../db/queries/people.js'
import type { UnreachablePersonRow } from '../../../db/queries/reachability.js'
import { ROLES } from '../../../domain/people.js'
import { IMPORT_KINDS } from '../../../import/run.js'
import { formatNumber, formatShortDate } from '../../../i18n/format.js'
import type { AdminText, Viewer } from '../context.js'
import { DataTable, FilterSelect } from '../controls.js'
import { CsrfField } from '../layout.js'
import { filterQuery } from '../view-helpers.js'

export type PeopleFilters = { peran?: string; status?: string; nama?: string }

export type PeoplePageProps = {
  t: AdminText
  viewer: Viewer
  filters: PeopleFilters
  rows: AdminPersonRow[]
  next?: string
  paged: boolean
  pending: PendingRegistrationRow[]
  /** People the bot cannot reach now, with why and their waiting notices (one page). */
  unreachable: UnreachablePersonRow[]
  /** The import form's words (`locales/id/import.json`). */
  importText: (key: string) => string
  importError?: string
}

export function PeoplePage(props: PeoplePageProps) {
  const { t, viewer, filters } = props
  return (
    <>
      <h2>{t('people.pendingTitle')}</h2>
      {props.pending.length === 0 ? (
        <p class="muted">{t('people.pendingEmpty')}</p>
      ) : (
        <DataTable
          columns={[t('people.name'), t('people.region'), t('visits.date'), t('people.decision')]}
        >
          {props.pending.map((p) => (
            <tr>
              <td>{p.name}</td>
              <td>
                {p.regionName}
                {p.parentRegionName ? `, ${p.parentRegionName}` : ''}
              </td>
              <td>{formatShortDate(p.createdAt)}</td>
              <td>
                <form method="post" action={`/admin/orang/${p.id}/keputusan`} class="actions">
                  <CsrfField viewer={viewer} />
                  <button type="submit" name="keputusan" value="setujui">
                    {t('people.approve')}
                  </button>
                  <button type="submit" name="keputusan" value="tolak" class="secondary">
                    {t('people.reject')}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </DataTable>
      )}

      <UnreachableTable t={t} rows={props.unreachable} />

      {viewer.isAdmin && (
        <>
          <h2>{props.importText('formTitle')}</h2>
          <form
            method="post"
            action="/admin/orang/impor"
            enctype="multipart/form-data"
            class="filters"
          >
            <CsrfField viewer={viewer} />
            <label>
              {props.importText('kindLabel')}
              <select name="jenis">
                {IMPORT_KINDS.map((kind) => (
                  <option value={kind}>{props.importText(`kind.${kind}`)}</option>
                ))}
              </select>
            </label>
            <label>
              {t('people.importFile')}
              <input type="file" name="berkas" accept=".csv,text/csv" required />
            </label>
            <button type="submit">{t('people.importSubmit')}</button>
          </form>
          <ul class="muted">
            {IMPORT_KINDS.map((kind) => (
              <li>{props.importText(`hint.${kind}`)}</li>
            ))}
          </ul>
          <p class="muted">{props.importText('fileHint')}</p>
          {props.importError && (
            <p class="error" role="alert">
              {props.importError}
            </p>
          )}
        </>
      )}

      <h2>{t('people.title')}</h2>
      <form class="filters" method="get" action="/admin/orang">
        <label>
          {t('filter.name')}
          <input type="search" name="nama" value={filters.nama ?? ''} />
        </label>
        <FilterSelect
          t={t}
          label={t('filter.role')}
          name="peran"
          choices={ROLES.map((role) => ({ value: role, label: t(`people.role.${role}`) }))}
          selected={filters.peran}
        />
        <FilterSelect
          t={t}
          label={t('filter.status')}
          name="status"
          choices={(['active', 'pending', 'rejected'] as const).map((s) => ({
            value: s,
            label: t(`people.personStatus.${s}`),
          }))}
          selected={filters.status}
        />
        <button type="submit">{t('filter.apply')}</button>
      </form>
      {props.rows.length === 0 ? (
        <p>{t('people.empty')}</p>
      ) : (
        <DataTable
          columns={[
            t('people.name'),
            t('people.roles'),
            t('people.region'),
            t('people.status'),
            t('people.phone'),
          ]}
        >
          {props.rows.map((p) => (
            <tr>
              <td>{p.name}</td>
              <td>{p.roles.map((role) => t(`people.role.${role}`)).join(', ')}</td>
              <td>
                {p.regionName} <span class="muted">({p.regionCode})</span>
              </td>
              <td>
                {t(`people.personStatus.${p.status}`)}
                {p.optedOut && <span class="badge">{t('people.optedOut')}</span>}
              </td>
              <td>{p.hasPhone ? t('people.hasPhone') : t('people.noPhone')}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav class="pager" aria-label={t('paging.label')}>
        {props.paged && <a href={`/admin/orang${filterQuery(filters)}`}>{t('paging.first')}</a>}
        {props.next && (
          <a href={`/admin/orang${filterQuery(filters, props.next)}`} rel="next">
            {t('paging.next')}
          </a>
        )}
      </nav>
    </>
  )
}

/**
 * Who cannot be reached by chat now and why (docs/domain.md, decision 20), those with waiting
 * notices first.
 */
function UnreachableTable(props: { t: AdminText; rows: UnreachablePersonRow[] }) {
  const { t, rows } = props
  const total = rows[0]?.total ?? 0
  return (
    <section id="unreachable">
      <h2>{t('people.unreachableTitle')}</h2>
      {rows.length === 0 ? (
        <p class="muted">{t('people.unreachableEmpty')}</p>
      ) : (
        <>
          <p class="muted">{t('people.unreachableIntro')}</p>
          <DataTable
            columns={[
              t('people.name'),
              t('people.roles'),
              t('people.region'),
              t('people.unreachableWhy'),
              t('people.waitingNotices'),
            ]}
          >
            {rows.map((p) => (
              <tr>
                <td>{p.name}</td>
                <td>{p.roles.map((role) => t(`people.role.${role}`)).join(', ')}</td>
                <td>{p.regionName}</td>
                <td>{t(`people.unreachableReason.${p.reason}`)}</td>
                <td class="num">{formatNumber(p.waiting)}</td>
              </tr>
            ))}
          </DataTable>
          {total > rows.length && (
            <p class="muted">
              {t('people.unreachableMore', {
                shown: formatNumber(rows.length),
                total: formatNumber(total),
              })}
            </p>
          )}
        </>
      )}
    </section>
  )
}
