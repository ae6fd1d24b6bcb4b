/**
 * The connection `@hono/node-server` passes a route, for `app.request(path, init, env)`: tests of
 * rules that depend on where a request comes from (loopback, a proxy, a client address).
 * @module
 */

/** The bindings of a request whose TCP peer is `address`. */
export function fromPeer(address: string) {
  return { incoming: { socket: { remoteAddress: address } } }
}

/** A request from this machine. */
export const LOOPBACK = fromPeer('127.0.0.1')
