import type { Protocol } from '../types';

/** One port or port range that a named service stands for. */
export interface NamedPort {
  readonly port: number;
  /** Last port of a range; absent for a single port. */
  readonly endPort?: number;
  readonly protocol: Protocol;
}

type Entry = readonly [name: string, ports: readonly NamedPort[]];

const tcp = (port: number): NamedPort => ({ port, protocol: 'tcp' });
const udp = (port: number): NamedPort => ({ port, protocol: 'udp' });
const both = (port: number): NamedPort => ({ port, protocol: 'any' });

/**
 * ufw application profiles as the distribution packages install them in /etc/ufw/applications.d
 * (`ports=` lines; a port without `/tcp` or `/udp` means both). Sources: the openssh-server, nginx-common,
 * bind9 and cups packages' profile files, Apache's and Postfix's documented profiles, and Samba's and
 * Dovecot's published profile ports. Only profiles whose ports were checked against those are listed.
 */
const UFW_PROFILE_ENTRIES: readonly Entry[] = [
  ['OpenSSH', [tcp(22)]],
  ['Nginx HTTP', [tcp(80)]],
  ['Nginx HTTPS', [tcp(443)]],
  ['Nginx Full', [tcp(80), tcp(443)]],
  ['Apache', [tcp(80)]],
  ['Apache Secure', [tcp(443)]],
  ['Apache Full', [tcp(80), tcp(443)]],
  ['Postfix', [tcp(25)]],
  ['Postfix SMTPS', [tcp(465)]],
  ['Postfix Submission', [tcp(587)]],
  ['Dovecot IMAP', [tcp(143)]],
  ['Dovecot POP3', [tcp(110)]],
  ['Dovecot Secure IMAP', [tcp(993)]],
  ['Dovecot Secure POP3', [tcp(995)]],
  ['Samba', [udp(137), udp(138), tcp(139), tcp(445)]],
  ['CUPS', [both(631)]],
  ['Bind9', [both(53)]],
];

/**
 * firewalld's predefined services (/usr/lib/firewalld/services/*.xml, firewalld 1.3), with `<include>`d
 * services already expanded (samba includes samba-client, which includes netbios-ns).
 */
const FIREWALLD_SERVICE_ENTRIES: readonly Entry[] = [
  ['ssh', [tcp(22)]],
  ['http', [tcp(80)]],
  ['https', [tcp(443)]],
  ['http3', [udp(443)]],
  ['dns', [tcp(53), udp(53)]],
  ['dhcp', [udp(67)]],
  ['dhcpv6', [udp(547)]],
  ['dhcpv6-client', [udp(546)]],
  ['ntp', [udp(123)]],
  ['mdns', [udp(5353)]],
  ['snmp', [tcp(161), udp(161)]],
  ['syslog', [udp(514)]],
  ['tftp', [udp(69)]],
  ['mysql', [tcp(3306)]],
  ['postgresql', [tcp(5432)]],
  ['mssql', [tcp(1433)]],
  ['redis', [tcp(6379)]],
  ['redis-sentinel', [tcp(26379)]],
  ['mongodb', [tcp(27017)]],
  ['memcache', [tcp(11211), udp(11211)]],
  ['elasticsearch', [tcp(9300), tcp(9200)]],
  ['kibana', [tcp(5601)]],
  ['smtp', [tcp(25)]],
  ['smtps', [tcp(465)]],
  ['smtp-submission', [tcp(587)]],
  ['imap', [tcp(143)]],
  ['imaps', [tcp(993)]],
  ['pop3', [tcp(110)]],
  ['pop3s', [tcp(995)]],
  ['ftp', [tcp(21)]],
  ['samba', [udp(137), udp(138), tcp(139), tcp(445)]],
  ['samba-client', [udp(137), udp(138)]],
  ['netbios-ns', [udp(137)]],
  ['nfs', [tcp(2049)]],
  ['nfs3', [tcp(2049), udp(2049)]],
  ['rpc-bind', [tcp(111), udp(111)]],
  ['mountd', [tcp(20048), udp(20048)]],
  ['ldap', [tcp(389)]],
  ['ldaps', [tcp(636)]],
  ['kerberos', [tcp(88), udp(88)]],
  ['cockpit', [tcp(9090)]],
  ['openvpn', [udp(1194)]],
  ['wireguard', [udp(51820)]],
  ['ipsec', [udp(500), udp(4500), tcp(4500)]],
  ['docker-registry', [tcp(5000)]],
  ['docker-swarm', [tcp(2377), tcp(7946), udp(7946), udp(4789)]],
  ['etcd-client', [tcp(2379)]],
  ['etcd-server', [tcp(2380)]],
  ['kube-apiserver', [tcp(6443)]],
  ['kubelet', [tcp(10250)]],
  ['kube-api', [tcp(10250)]],
  ['prometheus', [tcp(9090)]],
  ['grafana', [tcp(3000)]],
  ['jenkins', [tcp(8080)]],
  ['git', [tcp(9418)]],
  ['rsyncd', [tcp(873), udp(873)]],
  ['squid', [tcp(3128)]],
  ['zabbix-agent', [tcp(10050)]],
  ['zabbix-server', [tcp(10051)]],
  ['xmpp-client', [tcp(5222)]],
  ['mqtt', [tcp(1883)]],
  ['mqtt-tls', [tcp(8883)]],
  ['vnc-server', [{ port: 5900, endPort: 5903, protocol: 'tcp' }]],
  ['rdp', [tcp(3389)]],
  ['telnet', [tcp(23)]],
  ['ipp', [tcp(631), udp(631)]],
  ['ipp-client', [udp(631)]],
];

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

export const UFW_APP_PROFILES: ReadonlyMap<string, readonly NamedPort[]> = new Map(UFW_PROFILE_ENTRIES);

export const FIREWALLD_SERVICES: ReadonlyMap<string, readonly NamedPort[]> = new Map(FIREWALLD_SERVICE_ENTRIES);

export const ETC_SERVICES: ReadonlyMap<string, NamedPort> = new Map(
  ETC_SERVICE_ENTRIES.flatMap(([names, port]) => names.map((name) => [name, port] as const)),
);

const PROFILES_BY_LOWER_NAME: ReadonlyMap<string, string> = new Map(
  UFW_PROFILE_ENTRIES.map(([name]) => [name.toLowerCase(), name] as const),
);

/** ufw tries an exact profile name first, then a unique case-insensitive match. Returns the profile's own spelling. */
export function findUfwProfile(name: string): string | undefined {
  return UFW_APP_PROFILES.has(name) ? name : PROFILES_BY_LOWER_NAME.get(name.toLowerCase());
}
