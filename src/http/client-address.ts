/**
 * Who is on the other end of a request: the TCP peer, the client address a trusted proxy reports
 * in `X-Forwarded-For` (only from the proxies listed in `TRUSTED_PROXIES`), the block of addresses
 * one client controls (for counting its failures), and whether the request came from this machine.
 * @module
 */
import type { Context } from 'hono'
import ipaddr from 'ipaddr.js'
import { inRanges } from '../lib/ip-ranges.js'

/** The proxies whose `X-Forwarded-For` is believed: addresses and CIDR ranges. */
export type TrustedProxies = readonly string[]

const parsed = (address: string) => (ipaddr.isValid(address) ? ipaddr.process(address) : undefined)

/** The peer address of the TCP connection (`@hono/node-server`); none under `app.request()`. */
export function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress
}

/**
 * The client's address: the connection's peer; when the peer is a trusted proxy, the
 * `X-Forwarded-For` entries are read from the right (each proxy appends the address it saw),
 * skipping trusted proxies, and the first other entry is the client. With no trusted proxy (the
 * default) the header is ignored, so a client cannot pick its address by sending it.
 */
export function clientAddress(c: Context, proxies: TrustedProxies = []): string {
  const peer = peerAddress(c)
  if (peer === undefined) return 'unknown'
  if (!inRanges(peer, proxies)) return peer
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
  for (const entry of forwarded.reverse()) {
    if (!inRanges(entry, proxies)) return entry.slice(0, 64)
  }
  return peer
}

/**
 * The block of addresses one client controls, which its failures count against: an IPv4
 * address, or an IPv6 address's /64 (one home or phone gets a whole /64, so counting single
 * IPv6 addresses would let it pick a fresh one for every guess). IPv4-mapped IPv6 is IPv4.
 */
export function clientBlock(address: string): string {
  const ip = parsed(address)
  if (!ip) return address
  if (ip.kind() === 'ipv4') return ip.toString()
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/64`).toString()}/64`
}

/** Headers a proxy adds: a request carrying one did not come straight from this machine. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const

/**
 * Whether the request comes from this machine: a loopback peer that is not relaying someone else
 * (no proxy header; a reverse proxy on the same host connects from loopback too).
 */
export function isLoopbackRequest(c: Context): boolean {
  const peer = peerAddress(c)
  if (peer === undefined || parsed(peer)?.range() !== 'loopback') return false
  return PROXY_HEADERS.every((name) => c.req.header(name) === undefined)
}
