import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyzeFile } from '../../src/core/analysis';
import { scanTerraform } from '../../src/core/scanners/terraform';
import type { PortReference, ScanResult, SourceRange } from '../../src/core/types';
import { SOURCE_PLACEHOLDER_V4 } from '../../src/core/rules/fixEdits';
import { REPO_ROOT } from './propertyInputs';
import { fixed } from './rules-helpers';
import { at } from './textSpans';

/** The range of the `occurrence`-th `needle` in `text`. */
/** The range of `inner` inside the `occurrence`-th `outer`. */
function inside(text: string, outer: string, inner: string, occurrence = 0): SourceRange {
  const container = at(text, outer, occurrence);
  const offset = outer.indexOf(inner);
  assert.ok(offset >= 0, `"${inner}" is not in "${outer}"`);
  return { start: container.start + offset, end: container.start + offset + inner.length };
}

function slice(text: string, range: SourceRange | undefined): string | undefined {
  return range && text.slice(range.start, range.end);
}

/** A reference as text: what its ranges cover and what it says, for compact exact comparisons. */
interface Summary {
  readonly at: string | undefined;
  readonly port: number | null;
  readonly endPort: number | null;
  readonly protocol: string;
  readonly action?: string;
  readonly source: string | null | undefined;
  readonly chain?: string;
  readonly end?: string;
  readonly sourceAt?: string;
  readonly rawText?: string;
}

function summarize(text: string, reference: PortReference): Summary {
  assert.equal(reference.role, 'firewall');
  assert.deepEqual(reference.portRange, reference.range, 'portRange covers the same digits as range');
  return {
    at: slice(text, reference.range),
    port: reference.port,
    endPort: reference.endPort,
    protocol: reference.protocol,
    action: reference.firewall?.action,
    source: reference.firewall?.source,
    chain: reference.firewall?.chain,
    ...(reference.endPortRange ? { end: slice(text, reference.endPortRange) } : {}),
    ...(reference.firewall?.sourceRange ? { sourceAt: slice(text, reference.firewall.sourceRange) } : {}),
    ...(reference.rawText !== undefined ? { rawText: reference.rawText } : {}),
  };
}

function summaries(text: string, result: ScanResult = scanTerraform(text)): Summary[] {
  return result.references.map((reference) => summarize(text, reference));
}

function problemsOf(text: string, result: ScanResult = scanTerraform(text)): [string, string, string | undefined][] {
  return result.problems.map((problem) => [problem.code, problem.severity, slice(text, problem.range)]);
}

const allow = (fields: Omit<Summary, 'action' | 'chain'> & Partial<Pick<Summary, 'chain' | 'action'>>): Summary => ({ action: 'allow', chain: 'ingress', ...fields });

function fixture(name: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, 'test/unit/fixtures/terraform', name), 'utf8');
}

describe('Terraform scanner', () => {
  describe('AWS aws_security_group', () => {
    it('reads an inline ingress rule: the from_port digits, the to_port digits apart, the world-open CIDR', () => {
      const text = [
        'resource "aws_security_group" "web" {',
        '  ingress {',
        '    from_port   = 22',
        '    to_port     = 22',
        '    protocol    = "tcp"',
        '    cidr_blocks = ["0.0.0.0/0"]',
        '  }',
        '}',
        '',
      ].join('\n');
      const result = scanTerraform(text);
      assert.deepEqual(result.problems, []);
      assert.deepEqual(result.references, [
        {
          role: 'firewall',
          range: inside(text, 'from_port   = 22', '22'),
          portRange: inside(text, 'from_port   = 22', '22'),
          endPortRange: inside(text, 'to_port     = 22', '22'),
          protocol: 'tcp',
          port: 22,
          endPort: 22,
          scope: 'aws_security_group.web',
          flags: ['provider=aws'],
          firewall: { action: 'allow', source: null, chain: 'ingress', sourceRange: at(text, '0.0.0.0/0') },
        },
      ]);
      assert.equal(result.format, 'terraform');
      assert.equal(result.wiring, undefined);
    });

    it('reads port ranges, several rules, IPv6 and private sources, security groups, self and egress', () => {
      const text = `resource "aws_security_group" "app" {
  ingress {
    from_port        = 8000
    to_port          = 8100
    protocol         = "tcp"
    cidr_blocks      = ["10.0.0.0/8"]
  }
  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "6"
    ipv6_cidr_blocks = ["::/0"]
  }
  ingress {
    from_port       = 53
    to_port         = 53
    protocol        = "udp"
    security_groups = [aws_security_group.lb.id, "sg-0123"]
  }
  ingress {
    from_port = 5432
    to_port   = 5432
    protocol  = 17
    self      = true
  }
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
      assert.deepEqual(summaries(text), [
        allow({ at: '8000', end: '8100', port: 8000, endPort: 8100, protocol: 'tcp', source: '10.0.0.0/8' }),
        allow({ at: '443', end: '443', port: 443, endPort: 443, protocol: 'tcp', source: null, sourceAt: '::/0' }),
        allow({ at: '53', end: '53', port: 53, endPort: 53, protocol: 'udp', source: 'aws_security_group.lb.id' }),
        allow({ at: '5432', end: '5432', port: 5432, endPort: 5432, protocol: 'udp', source: 'self' }),
        allow({ at: '443', end: '443', port: 443, endPort: 443, protocol: 'tcp', source: null, chain: 'egress', sourceAt: '0.0.0.0/0' }),
      ]);
      const egress = scanTerraform(text).references[4];
      assert.deepEqual(egress.range, inside(text, "from_port   = 443", "443"));
    });

    it('reads protocol -1 and all as every port of every protocol, pointing at the protocol', () => {
      const text = `resource "aws_security_group" "all" {
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = -1
    to_port     = -1
    protocol    = -1
    cidr_blocks = ["192.168.0.0/16"]
  }
  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "all"
  }
}
`;
      assert.deepEqual(summaries(text), [
        allow({ at: '-1', port: 0, endPort: 65535, protocol: 'any', source: null, chain: 'egress', sourceAt: '0.0.0.0/0' }),
        allow({ at: '-1', port: 0, endPort: 65535, protocol: 'any', source: '192.168.0.0/16' }),
        allow({ at: 'all', port: 0, endPort: 65535, protocol: 'any', source: '(none)' }),
      ]);
      assert.deepEqual(scanTerraform(text).references[0].range, inside(text, '"-1"', '-1'));
      assert.deepEqual(scanTerraform(text).references[1].range, inside(text, 'protocol    = -1', '-1'));
      assert.deepEqual(scanTerraform(text).problems, []);
    });

    it('reads no ports for ICMP and other portless protocols', () => {
      const text = `resource "aws_security_group" "ping" {
  ingress {
    from_port   = 8
    to_port     = 0
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = -1
    to_port     = -1
    protocol    = "58"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "icmpv6"
  }
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(result.references, []);
      assert.deepEqual(result.problems, []);
    });

    it('reads ports written as strings, as Terraform converts them', () => {
      const text = 'resource "aws_security_group" "s" {\n  ingress {\n    from_port = "3389"\n    to_port = "3389"\n    protocol = "TCP"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
      assert.deepEqual(summaries(text), [allow({ at: '3389', end: '3389', port: 3389, endPort: 3389, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' })]);
      assert.deepEqual(scanTerraform(text).references[0].range, inside(text, '"3389"', '3389'));
    });

    it('treats an ingress without any source as letting nothing in', () => {
      const text = 'resource "aws_security_group" "s" {\n  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n  }\n}\n';
      assert.deepEqual(summaries(text), [allow({ at: '22', end: '22', port: 22, endPort: 22, protocol: 'tcp', source: '(none)' })]);
    });

    it('reads rules written as a list of objects', () => {
      const text = `resource "aws_security_group" "list" {
  ingress = [
    {
      from_port   = 6379
      to_port     = 6379
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    },
  ]
}
`;
      assert.deepEqual(summaries(text), [allow({ at: '6379', end: '6379', port: 6379, endPort: 6379, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' })]);
    });

    it('reads aws_default_security_group like a security group', () => {
      const text = 'resource "aws_default_security_group" "d" {\n  ingress {\n    protocol = -1\n    self = true\n    from_port = 0\n    to_port = 0\n  }\n}\n';
      assert.deepEqual(summaries(text), [allow({ at: '-1', port: 0, endPort: 65535, protocol: 'any', source: 'self' })]);
    });
  });

  describe('AWS aws_security_group_rule', () => {
    it('reads the rule type as the direction and a source security group as the source', () => {
      const text = `resource "aws_security_group_rule" "from_lb" {
  type                     = "ingress"
  from_port                = 8080
  to_port                  = 8080
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.lb.id
  security_group_id        = aws_security_group.app.id
}
resource "aws_security_group_rule" "out" {
  type              = "egress"
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.app.id
}
resource "aws_security_group_rule" "untyped" {
  from_port = 22
  to_port   = 22
  protocol  = "tcp"
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [
        allow({ at: '8080', end: '8080', port: 8080, endPort: 8080, protocol: 'tcp', source: 'aws_security_group.lb.id' }),
        allow({ at: '0', end: '65535', port: 0, endPort: 65535, protocol: 'tcp', source: null, chain: 'egress', sourceAt: '0.0.0.0/0' }),
      ]);
      assert.deepEqual(result.references.map((reference) => reference.scope), ['aws_security_group_rule.from_lb', 'aws_security_group_rule.out']);
    });
  });

  describe('AWS VPC security group rule resources', () => {
    it('reads ip_protocol, cidr_ipv4, cidr_ipv6 and a referenced group', () => {
      const text = `resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 22
  ip_protocol       = "tcp"
  to_port           = 22
}
resource "aws_vpc_security_group_ingress_rule" "v6" {
  security_group_id = aws_security_group.web.id
  cidr_ipv6         = "::/0"
  from_port         = 9200
  ip_protocol       = "tcp"
  to_port           = 9300
}
resource "aws_vpc_security_group_ingress_rule" "from_group" {
  security_group_id            = aws_security_group.web.id
  referenced_security_group_id = aws_security_group.lb.id
  from_port                    = 80
  ip_protocol                  = "tcp"
  to_port                      = 80
}
resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}
resource "aws_vpc_security_group_ingress_rule" "nowhere" {
  security_group_id = aws_security_group.web.id
  from_port         = 5432
  ip_protocol       = "tcp"
  to_port           = 5432
}
`;
      assert.deepEqual(summaries(text), [
        allow({ at: '22', end: '22', port: 22, endPort: 22, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '9200', end: '9300', port: 9200, endPort: 9300, protocol: 'tcp', source: null, sourceAt: '::/0' }),
        allow({ at: '80', end: '80', port: 80, endPort: 80, protocol: 'tcp', source: 'aws_security_group.lb.id' }),
        allow({ at: '-1', port: 0, endPort: 65535, protocol: 'any', source: null, chain: 'egress', sourceAt: '0.0.0.0/0' }),
        allow({ at: '5432', end: '5432', port: 5432, endPort: 5432, protocol: 'tcp', source: '(none)' }),
      ]);
    });
  });

  describe('invalid ports', () => {
    it('refuses reversed ranges, ports out of range, negative ports and words, without a reference', () => {
      const rule = (from: string, to: string, protocol = '"tcp"'): string =>
        `resource "aws_security_group" "s" {\n  ingress {\n    from_port = ${from}\n    to_port = ${to}\n    protocol = ${protocol}\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n`;
      const cases: [string, string, string, string][] = [
        [rule('8100', '8000'), '8100', 'Port range 8100-8000 is reversed: the first port must not be above the last', 'error'],
        [rule('22', '70000'), '70000', 'Port 70000 is out of range (0-65535)', 'error'],
        [rule('-5', '22'), '-5', 'Port -5 is out of range (0-65535)', 'error'],
        [rule('-1', '-1'), '-1', 'Port -1 is out of range: -1 (every port) goes only with protocol -1', 'error'],
        [rule('"ssh"', '22'), 'ssh', 'from_port must be a whole number; "ssh" is not', 'error'],
        [rule('1.5', '2'), '1.5', 'from_port must be a whole number; 1.5 is not', 'error'],
        [rule('22', '22', '"tpc"'), 'tpc', 'AWS does not know the protocol "tpc": use tcp, udp, icmp, icmpv6, -1 (all) or a protocol number', 'error'],
        [rule('22', '22', '"-1"'), '22', 'With protocol -1 the rule opens every port; AWS expects from_port and to_port to be 0', 'warning'],
      ];
      for (const [text, written, message, severity] of cases) {
        const result = scanTerraform(text);
        assert.deepEqual(
          result.problems.map((problem) => [problem.code, problem.severity, slice(text, problem.range), problem.message]).slice(0, 1),
          [['invalid-port', severity, written, message]],
          text,
        );
        assert.equal(result.references.length, severity === 'warning' ? 1 : 0, text);
      }
    });
  });

  describe('Google Cloud google_compute_firewall', () => {
    it('reads allow and deny blocks, ports lists with ranges, and every port when ports is absent', () => {
      const text = `resource "google_compute_firewall" "web" {
  name    = "web"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["22", "8000-8100", 443]
  }
  allow {
    protocol = "udp"
  }
  allow {
    protocol = "icmp"
  }
  deny {
    protocol = "all"
  }
  source_ranges = ["0.0.0.0/0"]
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [
        allow({ at: '22', port: 22, endPort: 22, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '8000-8100', port: 8000, endPort: 8100, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '443', port: 443, endPort: 443, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: 'udp', port: 0, endPort: 65535, protocol: 'udp', source: null, sourceAt: '0.0.0.0/0' }),
        { at: 'all', port: 0, endPort: 65535, protocol: 'any', action: 'deny', source: null, chain: 'ingress', sourceAt: '0.0.0.0/0' },
      ]);
      assert.deepEqual(result.references[1].range, inside(text, '"8000-8100"', '8000-8100'));
      assert.deepEqual(result.references.map((reference) => reference.flags), Array(5).fill(['provider=gcp']));
      assert.deepEqual(result.references[0].scope, 'google_compute_firewall.web');
    });

    it('takes an ingress rule without sources as open to anywhere, and tags or service accounts as its source', () => {
      const rule = (sources: string): string => `resource "google_compute_firewall" "f" {\n  allow {\n    protocol = "tcp"\n    ports = ["5432"]\n  }\n${sources}}\n`;
      assert.deepEqual(summaries(rule('')), [allow({ at: '5432', port: 5432, endPort: 5432, protocol: 'tcp', source: null })]);
      assert.deepEqual(summaries(rule('  source_tags = ["web"]\n')), [allow({ at: '5432', port: 5432, endPort: 5432, protocol: 'tcp', source: 'web' })]);
      assert.deepEqual(summaries(rule('  source_service_accounts = ["sa@p.iam.gserviceaccount.com"]\n')), [
        allow({ at: '5432', port: 5432, endPort: 5432, protocol: 'tcp', source: 'sa@p.iam.gserviceaccount.com' }),
      ]);
      assert.deepEqual(summaries(rule('  source_ranges = ["10.128.0.0/9"]\n  source_tags = ["web"]\n')), [
        allow({ at: '5432', port: 5432, endPort: 5432, protocol: 'tcp', source: '10.128.0.0/9' }),
      ]);
    });

    it('reads an EGRESS rule against its destination ranges', () => {
      const text = 'resource "google_compute_firewall" "out" {\n  direction = "EGRESS"\n  destination_ranges = ["10.0.0.0/8"]\n  allow {\n    protocol = "tcp"\n    ports = ["6379"]\n  }\n}\n';
      assert.deepEqual(summaries(text), [allow({ at: '6379', port: 6379, endPort: 6379, protocol: 'tcp', source: '10.0.0.0/8', chain: 'egress' })]);
    });

    it('keeps the ports of a disabled rule as opening nothing', () => {
      const text = 'resource "google_compute_firewall" "off" {\n  disabled = true\n  allow {\n    protocol = "tcp"\n    ports = ["22"]\n  }\n}\n';
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [{ at: '22', port: 22, endPort: 22, protocol: 'tcp', action: 'other', source: null, chain: 'ingress' }]);
      assert.deepEqual(result.references[0].flags, ['provider=gcp', 'disabled']);
      assert.deepEqual(analyzeFile('main.tf', text)?.diagnostics.filter((diagnostic) => diagnostic.rule === 'sensitive-port-exposed'), []);
    });

    it('reads sctp ports and refuses malformed ports and unknown protocols', () => {
      const text = `resource "google_compute_firewall" "f" {
  allow {
    protocol = "sctp"
    ports = ["9000", "22-", "9-1"]
  }
  allow {
    protocol = "tcpp"
  }
  allow {
    protocol = "50"
  }
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [allow({ at: '9000', port: 9000, endPort: 9000, protocol: 'sctp', source: null })]);
      assert.deepEqual(problemsOf(text, result), [
        ['invalid-port', 'error', '22-'],
        ['invalid-port', 'error', '9-1'],
        ['invalid-port', 'error', 'tcpp'],
      ]);
    });
  });

  describe('Azure network security rules', () => {
    it('reads azurerm_network_security_rule: a port, a range, a list and *', () => {
      const text = `resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
}
resource "azurerm_network_security_rule" "many" {
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  destination_port_ranges     = ["80", "8000-8100"]
  source_address_prefixes     = ["10.0.0.0/8", "0.0.0.0/0"]
}
resource "azurerm_network_security_rule" "any_port" {
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Udp"
  destination_port_range      = "*"
  source_address_prefix       = "VirtualNetwork"
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [
        allow({ at: '3389', port: 3389, endPort: 3389, protocol: 'tcp', source: null, sourceAt: 'Internet' }),
        allow({ at: '80', port: 80, endPort: 80, protocol: 'any', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '8000-8100', port: 8000, endPort: 8100, protocol: 'any', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '*', port: 0, endPort: 65535, protocol: 'udp', source: 'VirtualNetwork' }),
      ]);
      assert.deepEqual(result.references[0].flags, ['provider=azure']);
      assert.deepEqual(result.references[3].range, inside(text, 'destination_port_range      = "*"', '*'));
    });

    it('reads inline security_rule blocks, Deny, Outbound, Asterisk and * as a source', () => {
      const text = `resource "azurerm_network_security_group" "nsg" {
  name = "nsg"
  security_rule {
    name                       = "deny-ssh"
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    destination_port_range     = "22"
    source_address_prefix      = "*"
  }
  security_rule {
    name                       = "out"
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Asterisk"
    destination_port_range     = "443"
    source_address_prefix      = "10.0.0.0/8"
    destination_address_prefix = "AzureCloud"
  }
  security_rule {
    name                       = "ping"
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Icmp"
    destination_port_range     = "*"
    source_address_prefix      = "*"
  }
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [
        { at: '22', port: 22, endPort: 22, protocol: 'tcp', action: 'deny', source: null, chain: 'ingress', sourceAt: '*' },
        allow({ at: '443', port: 443, endPort: 443, protocol: 'any', source: 'AzureCloud', chain: 'egress' }),
      ]);
      assert.deepEqual(result.references.map((reference) => reference.scope), ['azurerm_network_security_group.nsg', 'azurerm_network_security_group.nsg']);
    });

    it('refuses an unknown protocol and a malformed port', () => {
      const text = 'resource "azurerm_network_security_rule" "r" {\n  direction = "Inbound"\n  access = "Allow"\n  protocol = "Tcp"\n  destination_port_range = "22,80"\n  source_address_prefix = "*"\n}\nresource "azurerm_network_security_rule" "p" {\n  protocol = "Gre"\n  destination_port_range = "22"\n}\n';
      assert.deepEqual(problemsOf(text), [
        ['invalid-port', 'error', '22,80'],
        ['invalid-port', 'error', 'Gre'],
      ]);
    });
  });

  describe('variables and locals', () => {
    it('resolves a variable default and locals in the same file, pointing at the expression in the rule', () => {
      const text = `variable "ssh_port" {
  type    = number
  default = 22
}
variable "office" {
  default = ["203.0.113.0/24"]
}
locals {
  db_port  = "5432"
  ports    = { redis = 6379 }
  web      = [80, 443]
  world    = ["0.0.0.0/0"]
}
resource "aws_security_group" "s" {
  ingress {
    from_port   = var.ssh_port
    to_port     = var.ssh_port
    protocol    = "tcp"
    cidr_blocks = var.office
  }
  ingress {
    from_port   = local.db_port
    to_port     = local.db_port
    protocol    = "tcp"
    cidr_blocks = local.world
  }
  ingress {
    from_port   = local.ports.redis
    to_port     = local.ports["redis"]
    protocol    = "tcp"
    cidr_blocks = ["\${local.world[0]}"]
  }
  ingress {
    from_port   = local.web[1]
    to_port     = "\${local.web[1]}"
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(result.problems, []);
      assert.deepEqual(summaries(text, result), [
        allow({ at: 'var.ssh_port', end: 'var.ssh_port', port: 22, endPort: 22, protocol: 'tcp', source: '203.0.113.0/24', rawText: 'var.ssh_port' }),
        allow({ at: 'local.db_port', end: 'local.db_port', port: 5432, endPort: 5432, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0', rawText: 'local.db_port' }),
        allow({ at: 'local.ports.redis', end: 'local.ports["redis"]', port: 6379, endPort: 6379, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0', rawText: 'local.ports.redis' }),
        allow({ at: 'local.web[1]', end: '${local.web[1]}', port: 443, endPort: 443, protocol: 'tcp', source: '10.0.0.0/8', rawText: 'local.web[1]' }),
      ]);
      assert.deepEqual(result.references[0].range, inside(text, 'from_port   = var.ssh_port', 'var.ssh_port'));
      assert.deepEqual(result.wiring?.terraform?.variables, [
        { name: 'ssh_port', value: 22, range: inside(text, 'default = 22', '22') },
        { name: 'office', value: ['203.0.113.0/24'], range: at(text, '["203.0.113.0/24"]') },
      ]);
      assert.deepEqual(result.wiring?.terraform?.variablePorts, []);
    });

    it('leaves a variable this file does not declare unresolved, and hands it to the workspace model', () => {
      const text = `resource "aws_security_group" "s" {
  ingress {
    from_port   = var.app_port
    to_port     = var.app_port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = var.low
    to_port     = var.high
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [
        allow({ at: 'var.app_port', end: 'var.app_port', port: null, endPort: null, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0', rawText: 'var.app_port' }),
        allow({ at: 'var.low', end: 'var.high', port: null, endPort: null, protocol: 'udp', source: null, sourceAt: '0.0.0.0/0', rawText: 'var.low' }),
      ]);
      assert.deepEqual(
        result.problems.map((problem) => [problem.code, problem.severity, slice(text, problem.range), problem.message]),
        [
          ['unresolved-port', 'info', 'var.app_port', 'var.app_port is not declared in this file, so Port Lens cannot check from_port here'],
          ['unresolved-port', 'info', 'var.low', 'var.low is not declared in this file, so Port Lens cannot check from_port here'],
          ['unresolved-port', 'info', 'var.high', 'var.high is not declared in this file, so Port Lens cannot check to_port here'],
        ],
      );
      assert.deepEqual(result.wiring?.terraform, {
        variables: [],
        variablePorts: [
          { reference: result.references[0], variable: 'app_port' },
          { reference: result.references[1], variable: 'low', endVariable: 'high' },
        ],
      });
    });

    it('leaves a variable without a default, a function, a conditional and another resource unresolved, without guessing', () => {
      const text = `variable "no_default" {
  type = number
}
resource "aws_security_group" "s" {
  ingress {
    from_port   = var.no_default
    to_port     = var.no_default
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = lookup(var.ports, "ssh", 22)
    to_port     = var.enabled ? 22 : 2222
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = aws_lb.main.port
    to_port     = aws_lb.main.port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(
        result.references.map((reference) => [slice(text, reference.range), reference.port, reference.endPort, reference.rawText]),
        [
          ['var.no_default', null, null, 'var.no_default'],
          ['lookup(var.ports, "ssh", 22)', null, null, 'lookup(var.ports, "ssh", 22)'],
          ['aws_lb.main.port', null, null, 'aws_lb.main.port'],
        ],
      );
      assert.deepEqual(
        result.problems.map((problem) => [problem.code, problem.severity, slice(text, problem.range), problem.message]),
        [
          ['unresolved-port', 'info', 'var.no_default', 'var.no_default has no default (its value is only known when Terraform runs), so Port Lens cannot check from_port here'],
          ['unresolved-port', 'info', 'lookup(var.ports, "ssh", 22)', 'lookup(var.ports, "ssh", 22) is computed by lookup(), which Port Lens does not evaluate, so Port Lens cannot check from_port here'],
          ['unresolved-port', 'info', 'var.enabled ? 22 : 2222', 'var.enabled ? 22 : 2222 is an expression Port Lens does not evaluate, so Port Lens cannot check to_port here'],
          ['unresolved-port', 'info', 'aws_lb.main.port', 'aws_lb.main.port is only known when Terraform runs, so Port Lens cannot check from_port here'],
        ],
      );
      assert.deepEqual(result.wiring?.terraform, { variables: [{ name: 'no_default', range: at(text, '"no_default"') }], variablePorts: [] });
    });

    it('takes a source it cannot resolve as a named source, never as anywhere', () => {
      const text = 'resource "aws_security_group" "s" {\n  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = var.allowed\n  }\n}\n';
      assert.deepEqual(summaries(text), [allow({ at: '22', end: '22', port: 22, endPort: 22, protocol: 'tcp', source: 'var.allowed' })]);
    });

    it('stops following locals that refer to each other', () => {
      const text = 'locals {\n  a = local.b\n  b = local.a\n}\nresource "aws_security_group_rule" "r" {\n  type = "ingress"\n  from_port = local.a\n  to_port = local.a\n  protocol = "tcp"\n}\n';
      const result = scanTerraform(text);
      assert.deepEqual(result.references.map((reference) => reference.port), [null]);
      assert.deepEqual(result.problems.map((problem) => problem.code), ['unresolved-port']);
    });

    it('records every variable: literal defaults as values, others by name only', () => {
      const text = 'variable "port" { default = "8080" }\nvariable "ports" {\n  default = [22, "80"]\n}\nvariable "map" {\n  default = { a = 1 }\n}\nvariable "bare" {}\n';
      assert.deepEqual(scanTerraform(text).wiring?.terraform?.variables, [
        { name: 'port', value: '8080', range: at(text, '8080') },
        { name: 'ports', value: [22, '80'], range: at(text, '[22, "80"]') },
        { name: 'map', range: at(text, '{ a = 1 }') },
        { name: 'bare', range: at(text, '"bare"') },
      ]);
    });

    it('reads a resource written before the variables and locals it uses as one written after them', () => {
      const declarations = 'variable "ssh" {\n  default = 22\n}\nlocals {\n  web = local.ports\n  ports = [80, "443"]\n}\n';
      const resource =
        'resource "aws_security_group" "s" {\n  ingress {\n    from_port = var.ssh\n    to_port = var.ssh\n    protocol = "tcp"\n    cidr_blocks = ["10.0.0.0/8"]\n  }\n' +
        '  dynamic "ingress" {\n    for_each = local.web\n    content {\n      from_port = ingress.value\n      to_port = ingress.value\n      protocol = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n';
      const expected = [
        allow({ at: '80', port: 80, endPort: 80, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '443', port: 443, endPort: 443, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: 'var.ssh', end: 'var.ssh', port: 22, endPort: 22, protocol: 'tcp', source: '10.0.0.0/8', rawText: 'var.ssh' }),
      ];
      for (const text of [declarations + resource, resource + declarations]) {
        const result = scanTerraform(text);
        assert.deepEqual(result.problems, []);
        assert.deepEqual(summaries(text, result), text.startsWith('variable') ? expected : [expected[2], expected[0], expected[1]]);
      }
    });

    it('keeps the first declaration of a name, for the resources before and after a second one', () => {
      const rule = (name: string): string => `resource "aws_security_group_rule" "${name}" {\n  type = "ingress"\n  from_port = var.port\n  to_port = local.port\n  protocol = "tcp"\n}\n`;
      const text = `variable "port" { default = 22 }\nlocals {\n  port = 22\n}\n${rule('before')}variable "port" { default = 80 }\nlocals {\n  port = 80\n}\n${rule('after')}`;
      const result = scanTerraform(text);
      assert.deepEqual(
        result.references.map((reference) => [reference.scope, reference.port, reference.endPort]),
        [
          ['aws_security_group_rule.before', 22, 22],
          ['aws_security_group_rule.after', 22, 22],
        ],
      );
    });

    it('keeps file order among the references of resources that point at one shared value', () => {
      // `first` uses a variable declared at the end; `second` could be read at once, but is read after `first`.
      const group = (name: string, sources: string): string =>
        `resource "aws_security_group" "${name}" {\n  dynamic "ingress" {\n    for_each = local.web\n    content {\n      from_port = ingress.value\n      to_port = ingress.value\n      protocol = "tcp"\n      cidr_blocks = ${sources}\n    }\n  }\n}\n`;
      const text = `locals {\n  web = [80, 443]\n}\n${group('first', 'var.office')}${group('second', '["0.0.0.0/0"]')}variable "office" {\n  default = ["10.0.0.0/8"]\n}\n`;
      const result = scanTerraform(text);
      assert.deepEqual(
        result.references.map((reference) => [reference.scope, slice(text, reference.range), reference.firewall?.source]),
        [
          ['aws_security_group.first', '80', '10.0.0.0/8'],
          ['aws_security_group.second', '80', null],
          ['aws_security_group.first', '443', '10.0.0.0/8'],
          ['aws_security_group.second', '443', null],
        ],
      );
    });
  });

  describe('dynamic blocks and for_each', () => {
    it('makes one reference per element of a literal list, pointing at the element', () => {
      const text = `resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = [80, 443, "8080"]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(result.problems, []);
      assert.deepEqual(summaries(text, result), [
        allow({ at: '80', port: 80, endPort: 80, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '443', port: 443, endPort: 443, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '8080', port: 8080, endPort: 8080, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
      ]);
      assert.deepEqual(result.references[2].range, inside(text, '"8080"', '8080'));
    });

    it('reads a map of objects from locals through a named iterator, with per-element sources', () => {
      const text = `locals {
  rules = {
    ssh      = { port = 22, cidr = "0.0.0.0/0" }
    postgres = { port = 5432, cidr = "10.0.0.0/8" }
  }
}
resource "aws_security_group" "db" {
  dynamic "ingress" {
    for_each = local.rules
    iterator = rule
    content {
      description = rule.key
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = [rule.value.cidr]
    }
  }
}
`;
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [
        allow({ at: '22', port: 22, endPort: 22, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '5432', port: 5432, endPort: 5432, protocol: 'tcp', source: '10.0.0.0/8' }),
      ]);
      assert.deepEqual(result.references[0].range, inside(text, 'port = 22', '22'));
    });

    it('iterates over a variable default and reads a port from the key of a map', () => {
      const text = `variable "open" {
  default = { "22" = "ssh", "443" = "https" }
}
resource "aws_security_group" "s" {
  dynamic "ingress" {
    for_each = var.open
    content {
      from_port   = ingress.key
      to_port     = ingress.key
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
}
`;
      assert.deepEqual(summaries(text), [
        allow({ at: '22', port: 22, endPort: 22, protocol: 'tcp', source: '10.0.0.0/8' }),
        allow({ at: '443', port: 443, endPort: 443, protocol: 'tcp', source: '10.0.0.0/8' }),
      ]);
    });

    it('points at the content when the port there is a literal, once per element', () => {
      const text = 'resource "aws_security_group" "s" {\n  dynamic "egress" {\n    for_each = ["10.0.0.0/8", "0.0.0.0/0"]\n    content {\n      from_port = 443\n      to_port = 443\n      protocol = "tcp"\n      cidr_blocks = [egress.value]\n    }\n  }\n}\n';
      assert.deepEqual(summaries(text), [
        allow({ at: '443', end: '443', port: 443, endPort: 443, protocol: 'tcp', source: '10.0.0.0/8', chain: 'egress' }),
        allow({ at: '443', end: '443', port: 443, endPort: 443, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0', chain: 'egress' }),
      ]);
    });

    it('leaves the ports of a dynamic block over an unreadable collection unresolved, once', () => {
      const text = 'resource "aws_security_group" "s" {\n  dynamic "ingress" {\n    for_each = var.rules\n    content {\n      from_port = ingress.value.from\n      to_port = ingress.value.to\n      protocol = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n';
      const result = scanTerraform(text);
      assert.deepEqual(summaries(text, result), [
        allow({ at: 'ingress.value.from', end: 'ingress.value.to', port: null, endPort: null, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0', rawText: 'ingress.value.from' }),
      ]);
      assert.deepEqual(problemsOf(text, result), [
        ['unresolved-port', 'info', 'ingress.value.from'],
        ['unresolved-port', 'info', 'ingress.value.to'],
      ]);
      assert.deepEqual(result.wiring, undefined);
    });

    it('reads dynamic allow blocks of Google Cloud and dynamic security_rule blocks of Azure', () => {
      const text = `resource "google_compute_firewall" "f" {
  dynamic "allow" {
    for_each = ["tcp", "udp"]
    content {
      protocol = allow.value
      ports    = ["53"]
    }
  }
}
resource "azurerm_network_security_group" "n" {
  dynamic "security_rule" {
    for_each = { ssh = "22", rdp = "3389" }
    content {
      name                   = security_rule.key
      direction              = "Inbound"
      access                 = "Allow"
      protocol               = "Tcp"
      destination_port_range = security_rule.value
      source_address_prefix  = "*"
    }
  }
}
`;
      assert.deepEqual(summaries(text), [
        allow({ at: '53', port: 53, endPort: 53, protocol: 'tcp', source: null }),
        allow({ at: '53', port: 53, endPort: 53, protocol: 'udp', source: null }),
        allow({ at: '22', port: 22, endPort: 22, protocol: 'tcp', source: null, sourceAt: '*' }),
        allow({ at: '3389', port: 3389, endPort: 3389, protocol: 'tcp', source: null, sourceAt: '*' }),
      ]);
    });

    it('reads a resource for_each over a set, with each.value', () => {
      const text = `resource "aws_vpc_security_group_ingress_rule" "web" {
  for_each          = toset(["80", "443"])
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.key
}
`;
      assert.deepEqual(summaries(text), [
        allow({ at: '80', port: 80, endPort: 80, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
        allow({ at: '443', port: 443, endPort: 443, protocol: 'tcp', source: null, sourceAt: '0.0.0.0/0' }),
      ]);
    });
  });

  describe('examples modelled on the provider documentation', () => {
    it('reads the AWS example: TLS from the VPC, all egress, SSH and PostgreSQL from anywhere', () => {
      const text = fixture('aws.tf');
      const result = scanTerraform(text);
      assert.deepEqual(result.problems, []);
      assert.deepEqual(
        result.references.map((reference) => [reference.scope, slice(text, reference.range), reference.port, reference.endPort, reference.protocol, reference.firewall?.source, reference.firewall?.chain]),
        [
          ['aws_security_group.allow_tls', '443', 443, 443, 'tcp', 'aws_vpc.main.cidr_block', 'ingress'],
          ['aws_security_group.allow_tls', '-1', 0, 65535, 'any', null, 'egress'],
          ['aws_vpc_security_group_ingress_rule.allow_tls_ipv4', '443', 443, 443, 'tcp', 'aws_vpc.main.cidr_block', 'ingress'],
          ['aws_vpc_security_group_ingress_rule.ssh_from_anywhere', '22', 22, 22, 'tcp', null, 'ingress'],
          ['aws_vpc_security_group_egress_rule.allow_all_traffic_ipv6', '-1', 0, 65535, 'any', null, 'egress'],
          ['aws_security_group_rule.postgres', '5432', 5432, 5432, 'tcp', null, 'ingress'],
        ],
      );
    });

    it('reads the Google Cloud example: tagged sources and a rule open to the internet', () => {
      const text = fixture('gcp.tf');
      const result = scanTerraform(text);
      assert.deepEqual(result.problems, []);
      assert.deepEqual(
        result.references.map((reference) => [reference.scope, slice(text, reference.range), reference.port, reference.endPort, reference.firewall?.source]),
        [
          ['google_compute_firewall.default', '80', 80, 80, 'web'],
          ['google_compute_firewall.default', '8080', 8080, 8080, 'web'],
          ['google_compute_firewall.default', '1000-2000', 1000, 2000, 'web'],
          ['google_compute_firewall.rules', '22', 22, 22, null],
          ['google_compute_firewall.rules', '3389', 3389, 3389, null],
        ],
      );
    });

    it('reads the Azure example: an inline rule for every port from anywhere and a standalone RDP rule', () => {
      const text = fixture('azure.tf');
      const result = scanTerraform(text);
      assert.deepEqual(result.problems, []);
      assert.deepEqual(
        result.references.map((reference) => [reference.scope, slice(text, reference.range), reference.port, reference.endPort, reference.protocol, reference.firewall?.source]),
        [
          ['azurerm_network_security_group.example', '*', 0, 65535, 'tcp', null],
          ['azurerm_network_security_rule.rdp', '3389', 3389, 3389, 'tcp', null],
          ['azurerm_network_security_rule.rdp', '5985-5986', 5985, 5986, 'tcp', null],
        ],
      );
    });
  });

  describe('rules', () => {
    const openRule = (port: number, cidr: string, type = 'ingress'): string =>
      `resource "aws_security_group_rule" "r${port}" {\n  type        = "${type}"\n  from_port   = ${port}\n  to_port     = ${port}\n  protocol    = "tcp"\n  cidr_blocks = ["${cidr}"]\n}\n`;
    const sensitive = [22, 3389, 5432, 6379, 9200];

    function findings(text: string, rule: string): string[] {
      const analysis = analyzeFile('main.tf', text);
      assert.ok(analysis);
      return analysis.diagnostics.filter((diagnostic) => diagnostic.rule === rule).map((diagnostic) => text.slice(diagnostic.range.start, diagnostic.range.end));
    }

    it('flags SSH, RDP, PostgreSQL, Redis and Elasticsearch open to the world', () => {
      const text = sensitive.map((port) => openRule(port, '0.0.0.0/0')).join('');
      assert.deepEqual(findings(text, 'sensitive-port-exposed'), sensitive.map(String));
    });

    it('flags them for Google Cloud and Azure rules open to the world too', () => {
      const gcp = `resource "google_compute_firewall" "f" {\n  allow {\n    protocol = "tcp"\n    ports = [${sensitive.map((port) => `"${port}"`).join(', ')}]\n  }\n}\n`;
      assert.deepEqual(findings(gcp, 'sensitive-port-exposed'), sensitive.map(String));
      const azure = `resource "azurerm_network_security_rule" "r" {\n  direction = "Inbound"\n  access = "Allow"\n  protocol = "Tcp"\n  destination_port_ranges = [${sensitive.map((port) => `"${port}"`).join(', ')}]\n  source_address_prefix = "Internet"\n}\n`;
      assert.deepEqual(findings(azure, 'sensitive-port-exposed'), sensitive.map(String));
    });

    it('does not flag them from a private network, as egress, denied, or from a security group', () => {
      const text = [
        ...sensitive.map((port) => openRule(port, '10.0.0.0/8')),
        ...sensitive.map((port) => openRule(port, '0.0.0.0/0', 'egress')),
        'resource "azurerm_network_security_rule" "deny" {\n  direction = "Inbound"\n  access = "Deny"\n  protocol = "Tcp"\n  destination_port_range = "22"\n  source_address_prefix = "*"\n}\n',
        'resource "aws_security_group_rule" "sg" {\n  type = "ingress"\n  from_port = 5432\n  to_port = 5432\n  protocol = "tcp"\n  source_security_group_id = aws_security_group.app.id\n}\n',
      ].join('');
      assert.deepEqual(findings(text, 'sensitive-port-exposed'), []);
    });

    it('offers to replace the world-open CIDR with a placeholder network, which ends the finding', () => {
      const text = openRule(22, '0.0.0.0/0');
      const result = fixed('main.tf', text, 'sensitive-port-exposed', '22', /^Allow only from a trusted source/);
      assert.equal(result, text.replace('0.0.0.0/0', SOURCE_PLACEHOLDER_V4));
      assert.deepEqual(findings(result, 'sensitive-port-exposed'), []);
    });

    it('flags every port opened to the world as a wide range, but not all egress', () => {
      const text = [
        'resource "aws_security_group_rule" "all_tcp" {\n  type = "ingress"\n  from_port = 0\n  to_port = 65535\n  protocol = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n',
        'resource "aws_security_group" "g" {\n  egress {\n    from_port = 0\n    to_port = 0\n    protocol = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
      ].join('');
      assert.deepEqual(findings(text, 'wide-port-range'), ['0']);
    });

    it('reports syntax errors as parse-error and still reads the rules after them', () => {
      const text = `resource "aws_security_group" "broken" {\n  ingress {\n    from_port = = 22\n  }\n}\n${openRule(6379, '0.0.0.0/0')}`;
      const analysis = analyzeFile('main.tf', text);
      assert.ok(analysis);
      assert.deepEqual(analysis.problems.map((problem) => problem.code), ['parse-error']);
      assert.deepEqual(findings(text, 'parse-error'), ['=']);
      assert.deepEqual(findings(text, 'sensitive-port-exposed'), ['6379']);
    });
  });

  describe('robustness', () => {
    it('does not multiply a resource for_each by a dynamic for_each past a budget', () => {
      const elements = Array.from({ length: 400 }, (_, index) => String(1000 + index)).join(', ');
      const text = `locals {\n  ports = [${elements}]\n}\nresource "aws_security_group" "s" {\n  for_each = toset(local.ports)\n  dynamic "ingress" {\n    for_each = local.ports\n    content {\n      from_port = ingress.value\n      to_port = ingress.value\n      protocol = "tcp"\n      cidr_blocks = ["10.0.0.0/8"]\n    }\n  }\n}\n`;
      const result = scanTerraform(text);
      assert.ok(result.references.length <= 100_000, `${result.references.length} references`);
      assert.ok(result.references.length > 0);
      assert.deepEqual([...new Set(result.problems.map((problem) => [problem.code, slice(text, problem.range), problem.message].join(' | ')))], [
        'unresolved-port | local.ports | This repeats rules more often than Port Lens expands in one file, so the ports it generates are not checked',
      ]);
    });

    it('never throws on mutated examples and keeps every range inside the text', () => {
      const seeds = ['aws.tf', 'gcp.tf', 'azure.tf'].map(fixture);
      const tokens = ['{', '}', '[', ']', '"', '${', '<<EOF\n', '\n', '=', ',', 'var.x', 'local.y', '-1', '0.0.0.0/0', 'dynamic "ingress" {', 'for_each = [22]', '/*', '#'];
      fc.assert(
        fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...tokens), fc.constant(''))), { minLength: 1, maxLength: 6 }), (seed, edits) => {
          let text = seed;
          for (const [position, token] of edits) {
            const cut = position % (text.length + 1);
            text = token === '' ? text.slice(0, cut) + text.slice(cut + 3) : text.slice(0, cut) + token + text.slice(cut);
          }
          const result = scanTerraform(text);
          const ranges = [
            ...result.references.flatMap((reference) => [reference.range, reference.portRange, reference.endPortRange, reference.firewall?.sourceRange]),
            ...result.problems.map((problem) => problem.range),
          ];
          for (const range of ranges) {
            if (range) {
              assert.ok(range.start >= 0 && range.start <= range.end && range.end <= text.length, `[${range.start}, ${range.end}) in ${text.length}`);
            }
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
