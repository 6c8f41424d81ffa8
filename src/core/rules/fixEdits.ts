/**
 * The text edits behind the quick fixes. Each returns `undefined` when the reference is written
 * in a way it does not recognise: a fix that might corrupt the file is worse than no fix.
 */
import { isEtcServicesName } from '../ports/serviceNames';
import type { FileFormat, PortReference } from '../types';
import { indentationAt, lineBreakOf, lineEndOf, lineStartOf, statementLastLineOf, statementStartOf } from './textLines';
import type { TextEdit } from './types';

export const LOOPBACK = '127.0.0.1';
/** Documentation ranges (RFC 5737, RFC 3849): routed nowhere, so the placeholder opens nothing until it is edited. */
export const SOURCE_PLACEHOLDER_V4 = '192.0.2.0/24';
export const SOURCE_PLACEHOLDER_V6 = '2001:db8::/32';

const LONG_SYNTAX_KEY = /^\s*(?:-\s+)?(?:published|target)\s*:\s*["']?$/;
const BLOCK_ITEM_PREFIX = /^\s*-\s+["']?$/;
const FLOW_ITEM_PREFIX = /[[,]\s*["']?$/;
const HOST_IP_KEY = /^(\s*(?:-\s+)?host_ip\s*:[ \t]*)([^\s#]*)/;
const FLOW_LONG_SYNTAX_KEY = /[{,]\s*(?:published|target)\s*:\s*["']?$/;
const FLOW_HOST_IP_KEY = /([{,]\s*host_ip\s*:[ \t]*)([^\s,}]*)/;
const TCP_WORD = /(^|[\s/="])tcp(?=$|[\s,;}"])/g;

function written(text: string, reference: PortReference): string {
  return text.slice(reference.range.start, reference.range.end);
}

/** The quote around a YAML scalar, or `''` for a plain one. */
function quoteOf(text: string, reference: PortReference): string {
  const before = text[reference.range.start - 1];
  return reference.plainScalar === false && (before === '"' || before === "'") ? before : '';
}

function linePrefix(text: string, reference: PortReference): string {
  return text.slice(lineStartOf(text, reference.range.start), reference.range.start);
}

function isLongSyntax(text: string, reference: PortReference): boolean {
  return LONG_SYNTAX_KEY.test(linePrefix(text, reference));
}

/** A plain scalar is replaced by a quoted one, so the result is never read as base 60 or a YAML number. */
function rewriteScalar(text: string, reference: PortReference, value: string): TextEdit {
  return quoteOf(text, reference) === '' && reference.plainScalar
    ? { range: reference.range, newText: `"${value}"` }
    : { range: reference.range, newText: value };
}

/** Compose short syntax: `5432:5432` → `"127.0.0.1:5432:5432"`, `8080` → `"127.0.0.1::8080"`, `0.0.0.0:80:80` → `127.0.0.1:80:80`. */
function bindShortSyntax(text: string, reference: PortReference): TextEdit | undefined {
  const value = written(text, reference);
  if (reference.hostIp !== undefined) {
    if (reference.rawText !== undefined) {
      return undefined;
    }
    // The address ends at the colon before the host port, or at the `::` of an ephemeral mapping.
    const addressEnd = reference.hostPortRange ? reference.hostPortRange.start - 1 : (reference.portRange?.start ?? 0) - 2;
    if (addressEnd <= reference.range.start || text[addressEnd] !== ':') {
      return undefined;
    }
    return { range: { start: reference.range.start, end: addressEnd }, newText: LOOPBACK };
  }
  const bound = reference.hostPortRange ? `${LOOPBACK}:${value}` : `${LOOPBACK}::${value}`;
  if (quoteOf(text, reference) !== '') {
    return { range: { start: reference.range.start, end: reference.range.start }, newText: bound.slice(0, bound.length - value.length) };
  }
  return rewriteScalar(text, reference, bound);
}

interface YamlLine {
  readonly start: number;
  readonly text: string;
  /** Column of the line's key, after a `- ` when the line starts a list item. */
  readonly keyColumn: number;
  readonly startsItem: boolean;
  /** Blank, a comment, or indented deeper than `keyColumn` of the lines around it. */
  readonly isFiller: boolean;
}

const ITEM_DASH = /^-\s+/;

function yamlLine(text: string, start: number): YamlLine {
  const line = text.slice(start, lineEndOf(text, start));
  const content = line.trimStart();
  const indent = line.length - content.length;
  const dash = ITEM_DASH.exec(content);
  return {
    start,
    text: line,
    keyColumn: indent + (dash ? dash[0].length : 0),
    startsItem: dash !== null,
    isFiller: content === '' || content.startsWith('#'),
  };
}

/** The other keys of the long-syntax item holding `lineStart`: same key column, within the item's `- ` line. */
function siblingKeyLines(text: string, lineStart: number): YamlLine[] {
  const own = yamlLine(text, lineStart);
  const siblings: YamlLine[] = [];
  if (!own.startsItem) {
    for (let cursor = lineStart; cursor > 0;) {
      const line = yamlLine(text, lineStartOf(text, cursor - 1));
      cursor = line.start;
      if (line.isFiller || (!line.startsItem && line.keyColumn > own.keyColumn)) {
        continue;
      }
      if (line.keyColumn !== own.keyColumn) {
        break;
      }
      siblings.push(line);
      if (line.startsItem) {
        break;
      }
    }
  }
  for (let next = text.indexOf('\n', lineStart); next !== -1; next = text.indexOf('\n', next + 1)) {
    const line = yamlLine(text, next + 1);
    if (line.isFiller || (!line.startsItem && line.keyColumn > own.keyColumn)) {
      continue;
    }
    if (line.startsItem || line.keyColumn !== own.keyColumn) {
      break;
    }
    siblings.push(line);
  }
  return siblings;
}

/** Compose long syntax: sets `host_ip`, replacing a wildcard one or adding the key beside `published`. */
function bindLongSyntax(text: string, reference: PortReference): TextEdit {
  const lineStart = lineStartOf(text, reference.range.start);
  for (const line of siblingKeyLines(text, lineStart)) {
    const match = HOST_IP_KEY.exec(line.text);
    if (match) {
      const valueStart = line.start + match[1].length;
      const quoted = /^["']/.test(match[2]);
      // An empty `host_ip:` needs the blank YAML wants after the colon.
      const blank = /\s$/.test(match[1]) ? '' : ' ';
      return { range: { start: valueStart, end: valueStart + match[2].length }, newText: quoted ? `${match[2][0]}${LOOPBACK}${match[2][0]}` : `${blank}${LOOPBACK}` };
    }
  }
  const insertAt = lineEndOf(text, reference.range.start);
  const keyColumn = yamlLine(text, lineStart).keyColumn;
  return { range: { start: insertAt, end: insertAt }, newText: `${lineBreakOf(text)}${' '.repeat(keyColumn)}host_ip: ${LOOPBACK}` };
}

/** Compose long syntax written as a one-line flow mapping: `- { target: 80, published: 8080 }`. */
function bindFlowLongSyntax(text: string, reference: PortReference): TextEdit | undefined {
  const open = text.lastIndexOf('{', reference.range.start);
  const close = text.indexOf('}', reference.range.end);
  if (open === -1 || close === -1 || text.slice(open, close).includes('\n')) {
    return undefined;
  }
  const hostIp = FLOW_HOST_IP_KEY.exec(text.slice(open, close));
  if (hostIp) {
    const valueStart = open + hostIp.index + hostIp[1].length;
    const quote = /^["']/.test(hostIp[2]) ? hostIp[2][0] : '';
    return { range: { start: valueStart, end: valueStart + hostIp[2].length }, newText: `${quote}${LOOPBACK}${quote}` };
  }
  const end = reference.range.end + quoteOf(text, reference).length;
  return { range: { start: end, end }, newText: `, host_ip: ${LOOPBACK}` };
}

/** Binds a published Compose port to the loopback address, in short or long syntax. */
export function bindToLoopback(text: string, reference: PortReference): TextEdit | undefined {
  if (reference.role !== 'publish') {
    return undefined;
  }
  if (isLongSyntax(text, reference)) {
    return bindLongSyntax(text, reference);
  }
  // A mapping's value takes no address, so flow-style long syntax needs a `host_ip` key too.
  return FLOW_LONG_SYNTAX_KEY.test(linePrefix(text, reference)) ? bindFlowLongSyntax(text, reference) : bindShortSyntax(text, reference);
}

/** `22:22` → `"22:22"`. */
export function quoteScalar(text: string, reference: PortReference): TextEdit | undefined {
  if (!reference.plainScalar || quoteOf(text, reference) !== '') {
    return undefined;
  }
  return { range: reference.range, newText: `"${written(text, reference)}"` };
}

function udpSpelling(value: string): string {
  return /\/tcp$/i.test(value) ? `${value.slice(0, -4)}/udp` : `${value}/udp`;
}

/** A line copied with its protocol switched from tcp to udp, or `undefined` when it names no tcp. */
function udpTwinOfLine(line: string): string | undefined {
  TCP_WORD.lastIndex = 0;
  const twin = line.replace(TCP_WORD, '$1udp');
  return twin === line ? undefined : twin;
}

/**
 * Adds the udp twin of a tcp-only port: another `EXPOSE` word, another Compose list item, or a
 * copy of the firewall rule with the protocol switched.
 */
export function addUdpCompanion(text: string, reference: PortReference, format: FileFormat): TextEdit | undefined {
  const value = written(text, reference);
  if (format === 'dockerfile' && reference.role === 'expose') {
    return { range: { start: reference.range.end, end: reference.range.end }, newText: ` ${udpSpelling(value)}` };
  }
  if (format === 'compose') {
    const prefix = linePrefix(text, reference);
    const quote = quoteOf(text, reference) || '"';
    const closing = reference.range.end + quoteOf(text, reference).length;
    if (BLOCK_ITEM_PREFIX.test(prefix)) {
      const indent = prefix.slice(0, prefix.indexOf('-'));
      const insertAt = lineEndOf(text, reference.range.start);
      return { range: { start: insertAt, end: insertAt }, newText: `${lineBreakOf(text)}${indent}- ${quote}${udpSpelling(value)}${quote}` };
    }
    if (FLOW_ITEM_PREFIX.test(prefix)) {
      return { range: { start: closing, end: closing }, newText: `, ${quote}${udpSpelling(value)}${quote}` };
    }
    return undefined;
  }
  if (reference.role === 'firewall') {
    // Only a rule on a line of its own is copied; a continued statement is left to the user.
    const start = statementStartOf(text, reference.range.start);
    if (start !== lineStartOf(text, reference.range.start) || statementLastLineOf(text, start) !== start) {
      return undefined;
    }
    const end = lineEndOf(text, start);
    if (format === 'firewalld' && reference.flags?.includes('rich-rule') && /^\s*</.test(text.slice(start, end)) && !text.slice(start, end).includes('<rule')) {
      // A firewalld rule matches one port: a second <port> in it makes firewalld drop the rule.
      return undefined;
    }
    const list = portListAround(text.slice(start, end), reference.range.start - start, reference.range.end - start);
    if (format === 'ufw' && text.startsWith(UFW_TUPLE_MARKER, start)) {
      // A tuple's port list is repeated in its iptables lines; narrowing all of them is left to ufw.
      return list ? undefined : udpTwinOfTuple(text, start);
    }
    let twin = udpTwinOfLine(text.slice(start, end));
    if (twin !== undefined && list) {
      // Only the port that needs udp: tcp and udp have the same length, so the list is where it was.
      twin = `${twin.slice(0, list.start)}${value}${twin.slice(list.end)}`;
    }
    return twin === undefined ? undefined : { range: { start: end, end }, newText: `${lineBreakOf(text)}${twin}` };
  }
  return undefined;
}

/**
 * The port list holding `start..end` of a firewall rule line (`53,80`, `{ 53, 80 }`), as offsets
 * in the line, or `undefined` when the port stands alone.
 */
function portListAround(line: string, start: number, end: number): { start: number; end: number } | undefined {
  const open = line.lastIndexOf('{', start);
  const close = line.indexOf('}', end);
  if (open !== -1 && close !== -1 && !line.slice(open, start).includes('}') && !line.slice(end, close).includes('{')) {
    return { start: open, end: close + 1 };
  }
  let listStart = start;
  while (listStart > 0 && /[\d,:]/.test(line[listStart - 1])) {
    listStart--;
  }
  let listEnd = end;
  while (listEnd < line.length && /[\d,:]/.test(line[listEnd])) {
    listEnd++;
  }
  return line.slice(listStart, listEnd).includes(',') ? { start: listStart, end: listEnd } : undefined;
}

/**
 * In ufw's user.rules a rule is its `### tuple ###` line and the iptables lines below it; both
 * are copied, after a blank line as ufw writes them, or the udp rule would exist only for ufw.
 */
function udpTwinOfTuple(text: string, tupleStart: number): TextEdit | undefined {
  const lines: string[] = [];
  let blockEnd = tupleStart;
  for (let lineStart = tupleStart; ;) {
    const lineEnd = lineEndOf(text, lineStart);
    const line = text.slice(lineStart, lineEnd);
    if (lineStart !== tupleStart && !line.startsWith('-')) {
      break;
    }
    const twin = udpTwinOfLine(line);
    if (twin === undefined) {
      return undefined;
    }
    lines.push(twin);
    blockEnd = lineEnd;
    const next = text.indexOf('\n', lineEnd);
    if (next === -1) {
      break;
    }
    lineStart = next + 1;
  }
  const lineBreak = lineBreakOf(text);
  return { range: { start: blockEnd, end: blockEnd }, newText: `${lineBreak}${lineBreak}${lines.join(lineBreak)}` };
}

const UFW_TUPLE_MARKER = '### tuple ###';
const UFW_SIMPLE_PREFIX = /\bufw(?:\s+--dry-run)?\s+(?:allow|limit)(?:\s+(?:in|out))?(?:\s+(?:log|log-all))?(?:\s+on\s+\S+)?\s+["']?$/;
const UFW_FROM_ANY = /\bfrom\s+(any)\b/;
const UFW_TO = /\sto\s/;
const UFW_PORT_SPEC = /^([\d,:]+)(?:\/(tcp|udp))?$/i;
const UFW_SERVICE_SPEC = /^([A-Za-z][\w-]*)(?:\/(tcp|udp))?$/i;
const IPTABLES_APPEND = /(?:^|\s)(?:-A|--append|-I|--insert)\s+\S+(?:\s+\d+)?\s/;
const IPTABLES_ANY_SOURCE = /(?:^|\s)(?:-s|--source|--src)\s+(0\.0\.0\.0\/0|::\/0)(?=\s|$)/;
const NFT_PORT_MATCH = /\b(?:tcp|udp|sctp|dccp|th)\s+dport\b/g;
const NFT_RULE_COMMAND = /^\s*(?:add|insert|replace)\s+rule\s/;
const NFT_TABLE_FAMILY = /(?:^|\s)table\s+(ip6|ip|inet|arp|bridge|netdev)\s/gm;

/** File names ip6tables-restore reads by convention (`rules.v6`, `ip6tables.rules`, `*.ip6tables`). */
const IP6TABLES_FILE_NAME = /(?:^|[\\/])(?:rules\.v6|ip6tables[^\\/]*|[^\\/]*\.ip6tables)$/;

function placeholderFor(text: string, statement: string, fileName: string | undefined): string {
  const isIpv6 = /ip6tables|\bip6\b/.test(statement) || text.includes('ip6tables-save') || (fileName !== undefined && IP6TABLES_FILE_NAME.test(fileName));
  return isIpv6 ? SOURCE_PLACEHOLDER_V6 : SOURCE_PLACEHOLDER_V4;
}

/** The reference's text, or the whole port list it is a member of (`21,9200/tcp`), which is rewritten as one. */
function ufwPortWord(text: string, reference: PortReference, statementStart: number, statementEnd: number): { start: number; end: number } {
  let start = reference.range.start;
  let end = reference.range.end;
  while (start > statementStart && /[\d,:]/.test(text[start - 1])) {
    start--;
  }
  while (end < statementEnd && /[\d,:]/.test(text[end])) {
    end++;
  }
  if (!text.slice(start, end).includes(',')) {
    return reference.range;
  }
  const protocol = /^\/(?:tcp|udp)\b/i.exec(text.slice(end, statementEnd));
  return { start, end: end + (protocol ? protocol[0].length : 0) };
}

function restrictUfw(text: string, reference: PortReference, statementStart: number, statementEnd: number): TextEdit | undefined {
  const statement = text.slice(statementStart, statementEnd);
  const fromAny = UFW_FROM_ANY.exec(statement);
  if (fromAny) {
    const start = statementStart + fromAny.index + fromAny[0].length - fromAny[1].length;
    return { range: { start, end: start + fromAny[1].length }, newText: SOURCE_PLACEHOLDER_V4 };
  }
  const word = ufwPortWord(text, reference, statementStart, statementEnd);
  const before = text.slice(statementStart, word.start);
  if (UFW_SIMPLE_PREFIX.test(before)) {
    const quote = /["']$/.test(before) ? before[before.length - 1] : '';
    const token = { start: word.start - quote.length, end: word.end + quote.length };
    const value = text.slice(word.start, word.end);
    const portSpec = UFW_PORT_SPEC.exec(value);
    const service = portSpec ? undefined : UFW_SERVICE_SPEC.exec(value);
    let target: string;
    if (portSpec) {
      target = `to any port ${portSpec[1]}${portSpec[2] ? ` proto ${portSpec[2].toLowerCase()}` : ''}`;
    } else if (service && isEtcServicesName(service[1]) && reference.port !== null) {
      // A name from /etc/services (ufw prefers it over a profile of that name) is a port, not an app.
      const protocol = service[2]?.toLowerCase() ?? (reference.protocol === 'tcp' || reference.protocol === 'udp' ? reference.protocol : undefined);
      target = `to any port ${reference.port}${protocol ? ` proto ${protocol}` : ''}`;
    } else {
      target = `to any app ${quote || (/\s/.test(value) ? '"' : '')}${value}${quote || (/\s/.test(value) ? '"' : '')}`;
    }
    return { range: token, newText: `from ${SOURCE_PLACEHOLDER_V4} ${target}` };
  }
  const to = UFW_TO.exec(statement);
  if (to) {
    const at = statementStart + to.index + 1;
    return { range: { start: at, end: at }, newText: `from ${SOURCE_PLACEHOLDER_V4} ` };
  }
  return undefined;
}

function restrictIptables(text: string, statementStart: number, statementEnd: number, fileName: string | undefined): TextEdit | undefined {
  const statement = text.slice(statementStart, statementEnd);
  const placeholder = placeholderFor(text, statement, fileName);
  const anySource = IPTABLES_ANY_SOURCE.exec(statement);
  if (anySource) {
    const start = statementStart + anySource.index + anySource[0].length - anySource[1].length;
    return { range: { start, end: start + anySource[1].length }, newText: placeholder };
  }
  const append = IPTABLES_APPEND.exec(statement);
  if (!append) {
    return undefined;
  }
  const at = statementStart + append.index + append[0].length;
  return { range: { start: at, end: at }, newText: `-s ${placeholder} ` };
}

/**
 * `ip6` for a rule that matches IPv6 or sits in an `ip6` table, where `ip saddr` is rejected;
 * `ip` otherwise (it also works in `inet`, `bridge` and `netdev` tables).
 */
function nftAddressFamily(text: string, lineStart: number): 'ip' | 'ip6' {
  const line = text.slice(lineStart, lineEndOf(text, lineStart));
  if (/\bip6\b/.test(line)) {
    return 'ip6';
  }
  if (NFT_RULE_COMMAND.test(line)) {
    return 'ip';
  }
  // Tables do not nest, so the last one declared above the rule holds it.
  let family: string | undefined;
  for (const match of text.slice(0, lineStart).matchAll(NFT_TABLE_FAMILY)) {
    family = match[1];
  }
  return family === 'ip6' ? 'ip6' : 'ip';
}

function restrictNftables(text: string, reference: PortReference): TextEdit | undefined {
  const lineStart = lineStartOf(text, reference.range.start);
  const before = text.slice(lineStart, reference.range.start);
  let lastMatch = -1;
  NFT_PORT_MATCH.lastIndex = 0;
  for (let match = NFT_PORT_MATCH.exec(before); match; match = NFT_PORT_MATCH.exec(before)) {
    lastMatch = match.index;
  }
  if (lastMatch === -1) {
    return undefined;
  }
  const family = nftAddressFamily(text, lineStart);
  const placeholder = family === 'ip6' ? SOURCE_PLACEHOLDER_V6 : SOURCE_PLACEHOLDER_V4;
  const at = lineStart + lastMatch;
  return { range: { start: at, end: at }, newText: `${family} saddr ${placeholder} ` };
}

/** Narrows a firewall allow from anywhere to a placeholder source the user then edits. */
export function restrictToSource(text: string, reference: PortReference, format: FileFormat, fileName?: string): TextEdit | undefined {
  if (reference.role !== 'firewall') {
    return undefined;
  }
  const sourceRange = reference.firewall?.sourceRange;
  if (sourceRange) {
    // Cloud rules name their open source apart from the port: replace just that network.
    const written = text.slice(sourceRange.start, sourceRange.end);
    const placeholder = written.includes(':') ? SOURCE_PLACEHOLDER_V6 : SOURCE_PLACEHOLDER_V4;
    return { range: sourceRange, newText: placeholder };
  }
  const statementStart = statementStartOf(text, reference.range.start);
  const statementEnd = lineEndOf(text, statementLastLineOf(text, reference.range.start));
  switch (format) {
    case 'ufw':
      return restrictUfw(text, reference, statementStart, statementEnd);
    case 'iptables':
      return restrictIptables(text, statementStart, statementEnd, fileName);
    case 'nftables':
      return restrictNftables(text, reference);
    default:
      return undefined;
  }
}

/** Inserts `comment` on its own line above the statement holding `offset`, indented like it. */
export function insertCommentAbove(text: string, offset: number, comment: string): TextEdit {
  const start = statementStartOf(text, offset);
  return { range: { start, end: start }, newText: `${indentationAt(text, start)}${comment}${lineBreakOf(text)}` };
}
