/**
 * Shared judgements the rules make about a reference: is it reachable beyond the host, which
 * address does it bind, and how to name it in a message.
 */
import type { FileFormat, PortReference } from '../types';

const WILDCARD_ADDRESSES: ReadonlySet<string> = new Set(['', '*', '0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);

/** No address, or one that means every interface. */
export function isWildcardAddress(address: string | undefined): boolean {
  return address === undefined || WILDCARD_ADDRESSES.has(address);
}

/** `127.0.0.0/8`, `::1` and `localhost`: only the host itself can connect. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) {
    return false;
  }
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  return bare === '::1' || bare === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Chains and directions that carry traffic leaving the host, where an allow exposes nothing. */
const OUTBOUND_CHAINS: ReadonlySet<string> = new Set(['output', 'out', 'postrouting', 'egress']);

/** Services whose whole purpose is remote login; their listener alone says nothing about exposure. */
const LISTEN_FORMATS_JUDGED_ELSEWHERE: ReadonlySet<FileFormat> = new Set(['sshd']);

/** A firewall reference that lets inbound traffic to the port in from any source. */
export function isOpenFirewallAllow(reference: PortReference): boolean {
  const rule = reference.firewall;
  if (!rule || reference.role !== 'firewall') {
    return false;
  }
  if (rule.action !== 'allow' && rule.action !== 'limit') {
    return false;
  }
  if (rule.sourcePort || rule.negated || rule.source !== null) {
    return false;
  }
  const hook = reference.flags?.find((flag) => flag.startsWith('hook='))?.slice('hook='.length);
  const chain = (hook ?? rule.chain ?? '').toLowerCase();
  return !OUTBOUND_CHAINS.has(chain);
}

/**
 * How a reference makes its port reachable from other machines, as a phrase for a message
 * ("published on all interfaces"), or `undefined` when it does not.
 */
export function exposureOf(reference: PortReference, format: FileFormat): string | undefined {
  switch (reference.role) {
    case 'expose':
      // Compose `expose:` only reaches other containers on the same network.
      return format === 'dockerfile' ? 'exposed by EXPOSE' : undefined;
    case 'publish':
      if (reference.hostNetwork || !isWildcardAddress(reference.hostIp)) {
        return undefined;
      }
      return reference.hostPort !== undefined && reference.hostPort !== null && reference.hostPort !== reference.port
        ? `published on all interfaces as host port ${formatSpan(reference.hostPort, reference.hostPortEnd)}`
        : 'published on all interfaces';
    case 'hostPort':
      return isWildcardAddress(reference.hostIp) ? "bound to every node's hostPort" : undefined;
    case 'service':
      return reference.serviceType === 'NodePort' || reference.serviceType === 'LoadBalancer'
        ? `published by a ${reference.serviceType} Service`
        : undefined;
    case 'listen':
      if (LISTEN_FORMATS_JUDGED_ELSEWHERE.has(format) || !isWildcardAddress(reference.hostIp)) {
        return undefined;
      }
      return 'listening on all addresses';
    case 'firewall':
      if (!isOpenFirewallAllow(reference)) {
        return undefined;
      }
      return reference.firewall?.action === 'limit' ? 'allowed (rate-limited) from anywhere' : 'allowed from anywhere';
    default:
      return undefined;
  }
}

/** `8080` or `8000-8010`. */
export function formatSpan(start: number, end: number | null | undefined): string {
  return end === undefined || end === null || end === start ? String(start) : `${start}-${end}`;
}

/** `5432/tcp`, `1-65535/tcp`, or `53` for a rule that matches every protocol. */
export function portLabel(reference: PortReference): string {
  const span = reference.port === null ? reference.name ?? '?' : formatSpan(reference.port, reference.endPort);
  return reference.protocol === 'any' ? span : `${span}/${reference.protocol}`;
}

/** The first sentence of a longer explanation, so a diagnostic stays on one line. */
export function firstSentence(text: string): string {
  const end = text.search(/[.!?](\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

/** Whether a reference opens a port to traffic at all (as opposed to denying or connecting out). */
export function opensPort(reference: PortReference): boolean {
  if (reference.role === 'firewall') {
    return reference.firewall?.action === 'allow' || reference.firewall?.action === 'limit';
  }
  return reference.role !== 'upstream' && reference.role !== 'ingress' && reference.role !== 'targetPort' && reference.role !== 'nodePort';
}
