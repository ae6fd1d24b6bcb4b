/**
 * Form and link pieces several dashboard pages share: a filter select whose empty choice means
 * "all", and the row of download links of a list.
 * @module
 */
import type { Child } from 'hono/jsx'
import type { AdminText } from './context.js'

/** One choice of a select: the submitted value and what the viewer reads. */
export type Choice = { value: string; label: string }

export type FilterSelectProps = {
  t: AdminText
  label: string
  name: string
  choices: readonly Choice[]
  /** The submitted value; no value selects "all". */
  selected: string | undefined
  /** Options listed between "all" and the choices. */
  children?: Child
}

/** A labelled filter select whose first, empty option means "all". */
export function FilterSelect(props: FilterSelectProps) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{props.t('filter.all')}</option>
        {props.children}
        {props.choices.map((choice) => (
          <option value={choice.value} selected={choice.value === props.selected}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Regions (or people) as choices: the code (or id) submitted, the name shown. */
export function namedChoices(items: readonly { code: string; name: string }[]): Choice[] {
  return items.map((item) => ({ value: item.code, label: item.name }))
}

/** The kecamatan filter of a page: the kecamatan the viewer may pick, or all. */
export function KecamatanSelect(props: {
  t: AdminText
  kecamatan: readonly { code: string; name: string }[]
  selected: string | undefined
}) {
  return (
    <FilterSelect
      t={props.t}
      label={props.t('filter.kecamatan')}
      name="kecamatan"
      choices={namedChoices(props.kecamatan)}
      selected={props.selected}
    />
  )
}

export type ExportLinksProps = {
  t: AdminText
  /** What the row is labelled with. */
  label: string
  links: { csv: string; xlsx: string }
  /** Notes after the links. */
  children?: Child
}

/** The row of CSV and XLSX download links under a list. */
export function ExportLinks(props: ExportLinksProps) {
  const { t } = props
  return (
    <p class="actions">
      <span>{props.label}:</span>
      <a href={props.links.csv}>{t('export.csv')}</a>
      <a href={props.links.xlsx}>{t('export.xlsx')}</a>
      {props.children}
    </p>
  )
}

/** A column heading: its text, right-aligned for numbers, or muted for a column of buttons. */
export type Column = string | { label: string; num?: boolean; action?: boolean }

/** A table that scrolls sideways on a phone, with one heading row; the rows are its children. */
export function DataTable(props: { columns: Column[]; caption?: Child; children?: Child }) {
  return (
    <div class="table-wrap">
      <table>
        {props.caption !== undefined && <caption class="muted">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((column) =>
              typeof column === 'string' ? (
                <th scope="col">{column}</th>
              ) : (
                <th scope="col" class={column.num ? 'num' : undefined}>
                  {column.action ? <span class="muted">{column.label}</span> : column.label}
                </th>
              )
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  )
}
