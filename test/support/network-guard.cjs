// The loopback guard (issue 15): nothing a test, the demo or the bench starts may send a packet or a
// DNS query off this machine. Preloaded into the vitest workers (setupFiles) and, through
// NODE_OPTIONS=--require, into every Node process they start (CLI, daemon, demo; worker threads load
// it too). Every outgoing TCP/TLS connection, UDP datagram, multicast join and name lookup is checked
// BEFORE anything is sent: a destination outside 127.0.0.0/8 and ::1, or a name other than
// "localhost" (anything else would need DNS), is refused with an error and appended as one JSON
// line to the file named by RETROVUE_NET_GUARD_LOG. fetch (undici), http(s), ws and plex-api all end
// in net.Socket.prototype.connect, so that one wrapper covers them.
'use strict';

const { appendFileSync } = require('node:fs');
const net = require('node:net');
const dgram = require('node:dgram');
const dns = require('node:dns');

const LOG_ENV = 'RETROVUE_NET_GUARD_LOG';
/** Optional: also list the allowed (loopback) attempts, to show what a run did reach. */
const ALLOWED_LOG_ENV = 'RETROVUE_NET_GUARD_ALLOWED_LOG';
const INSTALLED = Symbol.for('retrovue.networkGuard');
const REFUSED_CODE = 'ENETUNREACH';

/**
 * This machine only: 127.0.0.0/8, ::1, IPv4-mapped loopback (::ffff:127.x.y.z), and the unspecified
 * 0.0.0.0 / :: (a connect to them reaches the local host; a bind to them sends nothing).
 */
function isLoopbackAddress(address) {
  const a = String(address).replace(/^\[|\]$/g, '');
  const kind = net.isIP(a);
  if (kind === 4) return a.split('.')[0] === '127' || a === '0.0.0.0';
  if (kind === 6) {
    const lower = a.toLowerCase();
    if (['::1', '0:0:0:0:0:0:0:1', '::', '0:0:0:0:0:0:0:0'].includes(lower)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped !== null && mapped[1].split('.')[0] === '127';
  }
  return false;
}

/** Names that resolve from /etc/hosts without a DNS query. */
function isLocalName(host) {
  return String(host).toLowerCase().replace(/\.$/, '') === 'localhost';
}

/** Why a destination is refused, or null when it stays on this machine. */
function violation(host) {
  if (host === undefined || host === null || host === '') return null; // Node's default: localhost
  if (net.isIP(String(host).replace(/^\[|\]$/g, ''))) {
    return isLoopbackAddress(host) ? null : 'address outside loopback';
  }
  return isLocalName(host) ? null : 'name that needs DNS';
}

function callerFrames() {
  const stack = new Error().stack ?? '';
  return stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => !l.includes('network-guard.cjs') && !l.startsWith('at node:'))
    .slice(0, 6);
}

/** Appends the refused attempt to the guard log (the env var is read each time: tests may redirect it). */
function record(kind, target, reason) {
  const entry = {
    at: new Date().toISOString(),
    pid: process.pid,
    script: process.argv[1] ?? null,
    testFile: process.env.RETROVUE_NET_GUARD_SOURCE ?? null,
    kind,
    target,
    reason,
    stack: callerFrames(),
  };
  const file = process.env[LOG_ENV];
  if (file) {
    try {
      appendFileSync(file, JSON.stringify(entry) + '\n');
    } catch (err) {
      process.stderr.write(`network guard: cannot write ${file}: ${err.message}\n`);
    }
  } else {
    process.stderr.write(`network guard: refused ${kind} to ${target} (${reason})\n`);
  }
  return entry;
}

function allowed(kind, target) {
  const file = process.env[ALLOWED_LOG_ENV];
  if (!file) return;
  try {
    appendFileSync(file, JSON.stringify({ pid: process.pid, kind, target }) + '\n');
  } catch {
    // Only a tally; the refusals are what the guard is for.
  }
}

function refusedError(kind, target, reason) {
  const err = new Error(`network guard: ${kind} to ${target} refused (${reason}); tests stay on loopback`);
  err.code = REFUSED_CODE;
  err.errno = -101;
  err.syscall = kind;
  return err;
}

/** net.Socket#connect(options | port, host | path): every TCP and TLS client passes through here. */
function connectTarget(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // internal normalized form [options, cb]
  if (first !== null && typeof first === 'object') {
    if (first.path) return null; // unix socket / pipe: local by definition (http passes path: null)
    return { host: first.host ?? first.hostname ?? 'localhost', port: first.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return null; // a pipe path
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

function guardTcp() {
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const target = connectTarget(args);
    const reason = target ? violation(target.host) : null;
    if (!reason) {
      if (target) allowed('tcp connect', `${target.host}:${target.port}`);
      return original.apply(this, args);
    }
    const where = `${target.host}:${target.port}`;
    record('tcp connect', where, reason);
    const err = refusedError('connect', where, reason);
    this.connecting = true;
    process.nextTick(() => this.destroy(err));
    return this;
  };
}

function guardUdp() {
  const proto = dgram.Socket.prototype;
  const send = proto.send;
  proto.send = function guardedSend(msg, ...rest) {
    // send(msg, [offset, length,] port, address, cb): the address is the first string after the port.
    const callback = typeof rest[rest.length - 1] === 'function' ? rest[rest.length - 1] : undefined;
    const values = callback ? rest.slice(0, -1) : rest;
    const address = values.find((v) => typeof v === 'string');
    const port = values.filter((v) => typeof v === 'number').pop();
    const reason = address !== undefined ? violation(address) : null;
    if (!reason) {
      allowed('udp send', `${address ?? 'connected'}:${port ?? ''}`);
      return send.call(this, msg, ...rest);
    }
    const where = `${address}:${port}`;
    record('udp send', where, reason);
    const err = refusedError('send', where, reason);
    process.nextTick(() => (callback ? callback(err) : this.emit('error', err)));
    return undefined;
  };
  const connect = proto.connect;
  proto.connect = function guardedUdpConnect(port, ...rest) {
    const host = typeof rest[0] === 'string' ? rest[0] : undefined;
    const callback = typeof rest[rest.length - 1] === 'function' ? rest[rest.length - 1] : undefined;
    const reason = violation(host);
    if (!reason) return connect.call(this, port, ...rest);
    const where = `${host}:${port}`;
    record('udp connect', where, reason);
    const err = refusedError('connect', where, reason);
    process.nextTick(() => (callback ? callback(err) : this.emit('error', err)));
    return undefined;
  };
  for (const name of ['addMembership', 'addSourceSpecificMembership']) {
    proto[name] = function guardedMembership(...args) {
      const group = String(args[name === 'addMembership' ? 0 : 1]);
      record('udp multicast join', group, 'joining a multicast group sends IGMP');
      throw refusedError(name, group, 'multicast');
    };
  }
}

function lookupOptionsAndCallback(rest) {
  const callback = typeof rest[rest.length - 1] === 'function' ? rest[rest.length - 1] : undefined;
  const options = typeof rest[0] === 'object' && rest[0] !== null ? rest[0] : {};
  return { callback, options };
}

function guardDns() {
  // A lookup of an address literal asks nobody (getaddrinfo parses it); connect and send judge the address.
  const lookupViolation = (hostname) => (net.isIP(String(hostname)) ? null : violation(hostname));
  const lookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname, ...rest) {
    const reason = lookupViolation(hostname);
    if (!reason) return lookup.call(this, hostname, ...rest);
    record('dns lookup', String(hostname), reason);
    const { callback } = lookupOptionsAndCallback(rest);
    const err = refusedError('getaddrinfo', String(hostname), reason);
    err.code = 'ENOTFOUND';
    if (callback) process.nextTick(() => callback(err));
    return {};
  };
  const promiseLookup = dns.promises.lookup;
  dns.promises.lookup = function guardedPromiseLookup(hostname, ...rest) {
    const reason = lookupViolation(hostname);
    if (!reason) return promiseLookup.call(this, hostname, ...rest);
    record('dns lookup', String(hostname), reason);
    const err = refusedError('getaddrinfo', String(hostname), reason);
    err.code = 'ENOTFOUND';
    return Promise.reject(err);
  };
  // resolve*/reverse always ask a DNS server (even for "localhost"): every call is refused.
  const queries = (target) =>
    Object.getOwnPropertyNames(target).filter(
      (k) => /^resolve|^reverse$/.test(k) && typeof target[k] === 'function',
    );
  const refuseQueries = (target, promised) => {
    for (const name of queries(target)) {
      target[name] = function guardedQuery(query, ...rest) {
        record(`dns ${name}`, String(query), 'a DNS query');
        const err = refusedError(name, String(query), 'a DNS query');
        err.code = 'ECONNREFUSED';
        if (promised) return Promise.reject(err);
        const callback = rest.find((r) => typeof r === 'function');
        if (callback) process.nextTick(() => callback(err));
        return {};
      };
    }
  };
  refuseQueries(dns, false);
  refuseQueries(dns.Resolver.prototype, false);
  refuseQueries(dns.promises, true);
  refuseQueries(dns.promises.Resolver.prototype, true);
}

function install() {
  if (globalThis[INSTALLED]) return globalThis[INSTALLED];
  guardTcp();
  guardUdp();
  guardDns();
  const api = { LOG_ENV, ALLOWED_LOG_ENV, isLoopbackAddress, violation };
  globalThis[INSTALLED] = api;
  return api;
}

module.exports = install();
