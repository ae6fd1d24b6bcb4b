/**
 * IP addresses and CIDR ranges, as `TRUSTED_PROXIES` lists them (`10.0.0.5,fd00::/8`).
 * IPv4-mapped IPv6 (`::ffff:10.0.0.5`) is the IPv4 address.
 * @module
 */
import ipaddr from 'ipaddr.js'

const parsed = (address: string) => (ipaddr.isValid(address) ? ipaddr.process(address) : undefined)

/** An address written in full: four decimal parts for IPv4 (not `10.0.0` or `0x0a.0.0.1`), or IPv6. */
function isAddress(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text)
}

function range(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  if (!isAddress(entry.slice(0, entry.indexOf('/')))) return undefined
  try {
    const [network, bits] = ipaddr.parseCIDR(entry)
    if (network.kind() === 'ipv6' && (network as ipaddr.IPv6).isIPv4MappedAddress()) {
      return bits >= 96 ? [(network as ipaddr.IPv6).toIPv4Address(), bits - 96] : undefined
    }
    return [network, bits]
  } catch {
    return undefined
  }
}

/** Whether `entry` is an IP address or a CIDR range. */
export function isAddressOrRange(entry: string): boolean {
  return entry.includes('/') ? range(entry) !== undefined : isAddress(entry)
}

/** Whether `address` is one of `entries` (addresses or CIDR ranges). */
export function inRanges(address: string, entries: readonly string[]): boolean {
  const ip = parsed(address)
  if (!ip) return false
  return entries.some((entry) => {
    if (!entry.includes('/')) return parsed(entry)?.toString() === ip.toString()
    const cidr = range(entry)
    return cidr !== undefined && cidr[0].kind() === ip.kind() && ip.match(cidr)
  })
}
