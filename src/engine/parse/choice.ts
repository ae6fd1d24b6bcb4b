/**
 * Matches a reply against numbered options: by number, ordinal, label or synonym, a day word for
 * options on a day, the option's meaning (a yes, a no, a "sudah"), a label inside the reply, a
 * label prefix or a label with a typo. The words are data (`locales/id/lexicon.json`).
 * @module
 */
import { distance } from 'fastest-levenshtein'

import { type Meaning, lexicon } from '../lexicon.js'
import { parseDate } from './date.js'
import { MAX_INPUT_LENGTH, normalizeText } from './normalize.js'
import { isNumberWord, parseNumber } from './number.js'
import { parseMeaning } from './yes-no.js'

/**
 * One option: `labels` are the displayed label(s) and synonyms, already in the person's language;
 * `means` says a yes/no/done/not-yet word picks it; `day` (YYYY-MM-DD) lets "besok" pick it.
 */
export type ChoiceCandidate = { id: string; labels: string[]; means?: Meaning; day?: string }

/** The clock day words are read against ("besok" for an option on tomorrow's date). */
export type ChoiceClock = { now: Date; timeZone: string }

/** The result of matching one reply against the options. */
export type ChoiceMatch =
  { kind: 'match'; id: string } | { kind: 'ambiguous'; ids: string[] } | { kind: 'none' }

const { choice } = lexicon
// Words around an option number: "pilih nomor 2", "yang kedua saja bu".
const NUMBER_FILLERS = new Set(choice.numberFillers)
// Words that say nothing about the option: "anak saya demam" is "anak demam".
const SOFT_WORDS = new Set(choice.softWords)
const ORDINALS = new Map(Object.entries(choice.ordinals))
// Words that join several picks: "1 dan 3", "menjahit sama memasak", "siji lan loro".
const MULTI_SEPARATORS = new Set(choice.multiSeparators)
const RANGE_WORDS = new Set(choice.rangeWords)
const ALL_WORDS = new Set(choice.allWords)
// Spellings folded to one form before comparing: "gak" and "mboten" are "tidak", "blm" is "belum".
const SPELLINGS = new Map(Object.entries(choice.spellings))

// A reply meaning this also picks the option meaning the other when none means it exactly.
const NEAR_MEANING: Record<Meaning, Meaning> = {
  yes: 'done',
  done: 'yes',
  no: 'notYet',
  notYet: 'no',
}

const NONE = { kind: 'none' } as const
const MIN_PREFIX_LENGTH = 3
const MIN_TYPO_LENGTH = 4

/**
 * Matches a reply to one option: exact label or synonym, option number ("2", "nomor 2", "kedua"),
 * a day word for options on a day, a yes/no word for an option with that meaning, a label inside
 * a longer reply, a label prefix of 3+ letters, or a label with a small typo.
 */
export function matchChoice(
  text: string,
  candidates: ChoiceCandidate[],
  clock?: ChoiceClock
): ChoiceMatch {
  if (text.length > MAX_INPUT_LENGTH) return NONE
  const reply = fold(text)
  if (reply === '') return NONE

  const exact = matchExact(reply, candidates)
  if (exact.length > 0) return toMatch(exact)

  const position = parseOptionNumber(reply)
  if (position !== undefined) {
    const chosen = Number.isInteger(position) ? candidates[position - 1] : undefined
    return chosen === undefined ? NONE : { kind: 'match', id: chosen.id }
  }

  const onDay = matchDay(text, candidates, clock)
  if (onDay.length > 0) return toMatch(onDay)

  const meant = matchMeaning(text, candidates)
  if (meant.length > 0) return toMatch(meant)

  const contained = matchContainedLabel(withoutSoftWords(reply), candidates)
  if (contained.length > 0) return toMatch(contained)

  if (reply.length >= MIN_PREFIX_LENGTH) {
    const prefixed = candidates.filter((candidate) =>
      foldedLabels(candidate).some((label) => label.startsWith(reply))
    )
    if (prefixed.length > 0) return toMatch(prefixed)
    // The start of a later word: "kie" for "Penyuluhan (KIE)", "ppkbd" for "Kader KB (PPKBD)".
    const inner = candidates.filter((candidate) =>
      foldedLabels(candidate).some((label) => wordStarts(label).some((s) => s.startsWith(reply)))
    )
    if (inner.length > 0) return toMatch(inner)
  }

  return toMatch(matchTypo(reply, candidates))
}

/**
 * Whether a reply names an option outright: its label or a synonym, or whole words of a label
 * ("batalkan" for "Batalkan siaran"). A command word that does is an answer, not a command.
 */
export function namesOption(text: string, candidates: ChoiceCandidate[]): boolean {
  if (text.length > MAX_INPUT_LENGTH) return false
  const reply = fold(text)
  if (reply === '') return false
  const words = reply.split(' ')
  return candidates.some((candidate) =>
    foldedLabels(candidate).some(
      (label) => label === reply || findSpans(label.split(' '), words).length > 0
    )
  )
}

function matchExact(reply: string, candidates: ChoiceCandidate[]): ChoiceCandidate[] {
  const exact = candidates.filter((candidate) => foldedLabels(candidate).includes(reply))
  if (exact.length > 0) return exact
  const soft = withoutSoftWords(reply)
  return soft === reply ? [] : candidates.filter((c) => foldedLabels(c).includes(soft))
}

/** Options on the day a reply names ("besok", "hari ini", "sesuk", "senin"). */
function matchDay(
  text: string,
  candidates: ChoiceCandidate[],
  clock: ChoiceClock | undefined
): ChoiceCandidate[] {
  if (clock === undefined || !candidates.some((candidate) => candidate.day !== undefined)) return []
  const day = parseDate(text, { ...clock, prefer: 'future' })
  return day === undefined ? [] : candidates.filter((candidate) => candidate.day === day)
}

/** The option meaning what the reply means ("nggih" picks "Setujui", "mboten" picks "Tidak ada"). */
function matchMeaning(text: string, candidates: ChoiceCandidate[]): ChoiceCandidate[] {
  const meaning = parseMeaning(text)
  if (meaning === undefined) return []
  const exact = candidates.filter((candidate) => candidate.means === meaning)
  if (exact.length > 0) return exact
  return candidates.filter((candidate) => candidate.means === NEAR_MEANING[meaning])
}

function withoutSoftWords(reply: string): string {
  const kept = reply.split(' ').filter((word) => !SOFT_WORDS.has(word))
  return kept.length > 0 ? kept.join(' ') : reply
}

/**
 * Matches a reply to several options: "1,3", "1 3", "1 dan 3", "1-3", "semua", labels separated
 * by commas or "dan", or a mix; ids come back deduplicated in option order.
 */
export function matchMultiChoice(
  text: string,
  candidates: ChoiceCandidate[],
  clock?: ChoiceClock
): { kind: 'match'; ids: string[] } | { kind: 'none' } {
  const normalized = normalizeText(text)
  if (normalized === '' || normalized.length > MAX_INPUT_LENGTH) return NONE

  // A whole label first, so a label with "dan" in it is not split.
  const folded = fold(normalized)
  const [exact, ...others] = candidates.filter((c) => foldedLabels(c).includes(folded))
  if (exact !== undefined && others.length === 0) return { kind: 'match', ids: [exact.id] }

  const words = folded.split(' ').filter((word) => !NUMBER_FILLERS.has(word))
  if (words.length === 1 && ALL_WORDS.has(words[0] ?? '') && candidates.length > 0) {
    return { kind: 'match', ids: candidates.map((candidate) => candidate.id) }
  }

  const chosen = new Set<string>()
  for (const part of splitParts(normalized)) {
    const ids = matchPart(part, candidates, clock)
    if (ids === undefined) return NONE
    for (const id of ids) chosen.add(id)
  }
  if (chosen.size === 0) return NONE
  const ids = candidates.map((candidate) => candidate.id).filter((id) => chosen.has(id))
  return { kind: 'match', ids }
}

/** Splits a multi-choice reply on commas, semicolons, '&', '+' and joining words like "dan". */
function splitParts(text: string): string[][] {
  const parts: string[][] = [[]]
  for (const word of text.replace(/[,;&+]/g, ' , ').split(' ')) {
    if (word === '') continue
    if (word === ',' || MULTI_SEPARATORS.has(word)) parts.push([])
    else parts.at(-1)?.push(word)
  }
  return parts.filter((part) => part.length > 0)
}

/** Matches one part of a multi-choice reply: a range, a list of numbers, or a single option. */
function matchPart(
  words: string[],
  candidates: ChoiceCandidate[],
  clock: ChoiceClock | undefined
): string[] | undefined {
  const spaced = words
    .join(' ')
    .replace(/(\d)-(\d)/g, '$1 - $2')
    .split(' ')
  const [first, middle, last, ...rest] = spaced
  if (rest.length === 0 && middle !== undefined && RANGE_WORDS.has(middle)) {
    const from = toPosition(first, candidates)
    const to = toPosition(last, candidates)
    if (from === undefined || to === undefined || from > to) return undefined
    return candidates.slice(from - 1, to).map((candidate) => candidate.id)
  }

  if (spaced.length > 1 && spaced.every((word) => /^\d+$/.test(word))) {
    const positions = spaced.map((word) => toPosition(word, candidates))
    if (positions.some((position) => position === undefined)) return undefined
    return positions.map((position) => candidates[(position ?? 0) - 1]?.id ?? '')
  }

  const match = matchChoice(words.join(' '), candidates, clock)
  return match.kind === 'match' ? [match.id] : undefined
}

function toPosition(word: string | undefined, candidates: ChoiceCandidate[]): number | undefined {
  if (word === undefined || !/^\d+$/.test(word)) return undefined
  const position = Number(word)
  return position >= 1 && position <= candidates.length ? position : undefined
}

/**
 * Reads an option number, allowing filler words around it: "2", "no. 2", "pilih dua", "yang
 * kedua", "ke-3". Undefined when the reply is not just a number.
 */
function parseOptionNumber(reply: string): number | undefined {
  const words = reply.split(' ').filter((word) => !NUMBER_FILLERS.has(word))
  if (words.length === 0) return undefined
  const joined = words.join(' ')

  const ordinal = ORDINALS.get(joined)
  if (ordinal !== undefined) return ordinal
  // "ke 2", "ke2", "kedua", "ketiga"
  if (joined.startsWith('ke')) {
    const rest = joined.slice(2).trim()
    const value = isNumberOnly(rest) ? parseNumber(rest) : undefined
    if (value !== undefined) return value
  }
  return isNumberOnly(joined) ? parseNumber(joined) : undefined
}

/** True when every word is digits or a number word, so "rt 2" is not read as option 2. */
function isNumberOnly(text: string): boolean {
  return text !== '' && text.split(' ').every((word) => /^\d+$/.test(word) || isNumberWord(word))
}

/**
 * Finds options whose label appears as whole words inside the reply ("saya pilih menjahit"). An
 * option is dropped when its label only appears inside a longer matched label.
 */
function matchContainedLabel(reply: string, candidates: ChoiceCandidate[]): ChoiceCandidate[] {
  const words = reply.split(' ')
  const spans = candidates.map((candidate) =>
    foldedLabels(candidate).flatMap((label) => findSpans(words, label.split(' ')))
  )
  return candidates.filter((_, index) =>
    (spans[index] ?? []).some(
      (span) =>
        !spans.some(
          (others, otherIndex) =>
            otherIndex !== index && others.some((other) => isStrictlyInside(span, other))
        )
    )
  )
}

type Span = { start: number; end: number }

function findSpans(words: string[], needle: string[]): Span[] {
  const spans: Span[] = []
  if (needle.length === 0 || needle[0] === '') return spans
  for (let start = 0; start + needle.length <= words.length; start++) {
    if (needle.every((word, offset) => words[start + offset] === word)) {
      spans.push({ start, end: start + needle.length })
    }
  }
  return spans
}

function isStrictlyInside(inner: Span, outer: Span): boolean {
  return (
    outer.start <= inner.start &&
    inner.end <= outer.end &&
    outer.end - outer.start > inner.end - inner.start
  )
}

/**
 * Finds the options closest to the reply by edit distance, allowing max(1, floor(length / 4))
 * edits of the label's length; only replies and labels of 4+ characters qualify.
 */
function matchTypo(reply: string, candidates: ChoiceCandidate[]): ChoiceCandidate[] {
  if (reply.length < MIN_TYPO_LENGTH) return []
  let best = Infinity
  let matches: ChoiceCandidate[] = []
  for (const candidate of candidates) {
    // Whole labels, and single words of longer labels ("kadr" for "Kader KB (PPKBD)").
    const targets = foldedLabels(candidate).flatMap((label) => [label, ...label.split(' ')])
    const distances = [...new Set(targets)]
      .filter((label) => label.length >= MIN_TYPO_LENGTH)
      .map((label) => ({ label, edits: distance(reply, label) }))
      .filter(({ label, edits }) => edits <= Math.max(1, Math.floor(label.length / 4)))
      .map(({ edits }) => edits)
    const edits = Math.min(...distances)
    if (edits < best) {
      best = edits
      matches = [candidate]
    } else if (edits === best && edits !== Infinity) {
      matches.push(candidate)
    }
  }
  return matches
}

function toMatch(matches: ChoiceCandidate[]): ChoiceMatch {
  const [first, ...others] = matches
  if (first === undefined) return NONE
  if (others.length === 0) return { kind: 'match', id: first.id }
  return { kind: 'ambiguous', ids: matches.map((candidate) => candidate.id) }
}

/** A folded label from each of its words on: "penyuluhan kie" → ["kie"]. */
function wordStarts(label: string): string[] {
  const words = label.split(' ')
  return words.slice(1).map((_, i) => words.slice(i + 1).join(' '))
}

function foldedLabels(candidate: ChoiceCandidate): string[] {
  return candidate.labels.map(foldLabel).filter((label) => label !== '')
}

// Labels and synonyms come from a finite set (the locale files and the lists loaded), so their
// folded forms are kept; the bound only guards against an unexpected stream of new labels.
const foldedLabelCache = new Map<string, string>()
const MAX_CACHED_LABELS = 10_000

function foldLabel(label: string): string {
  let folded = foldedLabelCache.get(label)
  if (folded === undefined) {
    folded = fold(label)
    if (foldedLabelCache.size >= MAX_CACHED_LABELS) foldedLabelCache.clear()
    foldedLabelCache.set(label, folded)
  }
  return folded
}

/**
 * Folds for comparison: normalized, accents removed, apostrophes dropped, other marks → spaces,
 * and each word in its usual spelling ("gak" → "tidak", "blm" → "belum").
 */
function fold(text: string): string {
  return normalizeText(text)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/'/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .map((word) => SPELLINGS.get(word) ?? word)
    .join(' ')
}
