/**
 * Kept so that scanners still moving off it compile: the ufw profiles live in `ports/namedPorts.ts`,
 * service names in `ports/serviceNames.ts`. This module goes once nothing imports it.
 */
import type { NamedPort } from '../ports/namedPorts';

export { UFW_APP_PROFILES, findUfwProfile } from '../ports/namedPorts';
export type { NamedPort } from '../ports/namedPorts';

const tcp = (port: number): NamedPort => ({ port, protocol: 'tcp' });
const udp = (port: number): NamedPort => ({ port, protocol: 'udp' });
const both = (port: number): NamedPort => ({ port, protocol: 'any' });

/**
 * Service names from /etc/services (Debian's netbase 6), with their aliases, for tools that resolve a
 * port name through getservbyname: ufw (`ufw allow http`), firewalld (`--add-port=http/tcp`).
 * `any` marks a name listed for both tcp and udp, which ufw turns into a rule for both.
 */
const ETC_SERVICE_ENTRIES: readonly (readonly [names: readonly string[], port: NamedPort])[] = [
  [['ftp'], tcp(21)],
  [['ssh'], tcp(22)],
  [['telnet'], tcp(23)],
  [['smtp', 'mail'], tcp(25)],
  [['whois', 'nicname'], tcp(43)],
  [['domain'], both(53)],
  [['bootps'], udp(67)],
  [['tftp'], udp(69)],
  [['http', 'www'], tcp(80)],
  [['kerberos', 'kerberos5', 'krb5', 'kerberos-sec'], both(88)],
  [['pop3', 'pop-3'], tcp(110)],
  [['sunrpc', 'portmapper'], both(111)],
  [['nntp', 'readnews', 'untp'], tcp(119)],
  [['ntp'], udp(123)],
  [['netbios-ssn'], tcp(139)],
  [['imap2', 'imap'], tcp(143)],
  [['snmp'], both(161)],
  [['ldap'], both(389)],
  [['https'], both(443)],
  [['microsoft-ds'], tcp(445)],
  [['submissions', 'ssmtp', 'smtps', 'urd'], tcp(465)],
  [['isakmp'], udp(500)],
  [['syslog'], udp(514)],
  [['dhcpv6-client'], udp(546)],
  [['submission'], tcp(587)],
  [['ipp'], tcp(631)],
  [['ldaps'], both(636)],
  [['rsync'], tcp(873)],
  [['imaps'], tcp(993)],
  [['pop3s'], tcp(995)],
  [['openvpn'], both(1194)],
  [['ms-sql-s'], tcp(1433)],
  [['nfs'], both(2049)],
  [['mysql'], tcp(3306)],
  [['svn', 'subversion'], tcp(3690)],
  [['sip'], both(5060)],
  [['xmpp-client', 'jabber-client'], tcp(5222)],
  [['mdns'], udp(5353)],
  [['postgresql', 'postgres'], tcp(5432)],
  [['x11', 'x11-0'], tcp(6000)],
  [['redis'], tcp(6379)],
  [['http-alt', 'webcache'], tcp(8080)],
  [['git'], tcp(9418)],
  [['hkp'], tcp(11371)],
];

export const ETC_SERVICES: ReadonlyMap<string, NamedPort> = new Map(
  ETC_SERVICE_ENTRIES.flatMap(([names, port]) => names.map((name) => [name, port] as const)),
);
