import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeFile } from '../../src/core/analysis';
import { looksLikeCloudFormation, scanCloudFormation } from '../../src/core/scanners/cloudformation';
import { detectFormats } from '../../src/core/scanners/index';
import type { FirewallRuleInfo, PortReference, Protocol, ScanResult, SourceRange } from '../../src/core/types';
import { assertScan, expectedProblem as p, locator, part, ref } from './fixtures/containers/scanAssertions';
import type { Expectation, Locator } from './fixtures/containers/scanAssertions';
import { assertRangesInside, mutatedSeed, PROPERTY_RUNS, timeLimitFor } from './propertyInputs';
import type { Seed } from './propertyInputs';
import { applyEdits, editFix, findings, fixesOf, diagnosticAt } from './rules-helpers';

interface RuleFields {
  readonly range: SourceRange;
  /** Set when the first port is written as digits. */
  readonly portRange?: SourceRange;
  readonly endPortRange?: SourceRange;
  readonly protocol?: Protocol;
  readonly port: number | null;
  /** Defaults to `port`. */
  readonly endPort?: number | null;
  readonly scope: string;
  readonly source: string | null;
  readonly sourceRange?: SourceRange;
  readonly chain?: 'ingress' | 'egress';
  readonly rawText?: string;
}

/** A security-group rule reference: an allow, ingress unless told, TCP unless told. */
function rule(fields: RuleFields): PortReference {
  const firewall: FirewallRuleInfo = {
    action: 'allow',
    source: fields.source,
    chain: fields.chain ?? 'ingress',
    ...(fields.sourceRange ? { sourceRange: fields.sourceRange } : {}),
  };
  return ref({
    role: 'firewall',
    range: fields.range,
    portRange: fields.portRange,
    endPortRange: fields.endPortRange,
    protocol: fields.protocol ?? 'tcp',
    port: fields.port,
    endPort: fields.endPort === undefined ? fields.port : fields.endPort,
    rawText: fields.rawText,
    scope: fields.scope,
    flags: ['provider=aws'],
    firewall,
  });
}

/** A YAML template whose resources section holds `resources` (indented two spaces), after optional parameters. */
function template(resources: string, parameters = ''): string {
  return `AWSTemplateFormatVersion: "2010-09-09"\n${parameters ? `Parameters:\n${parameters}` : ''}Resources:\n${resources}`;
}

/** An `AWS::EC2::SecurityGroup` named `WebSecurityGroup` with the given rule lists (indented six spaces). */
function securityGroup(rules: string): string {
  return template(`  WebSecurityGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: Web servers\n${rules}`);
}

const WEB = 'WebSecurityGroup';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly expect: (at: Locator) => Expectation;
}

function runCases(cases: readonly Case[]): void {
  for (const { name, text, expect } of cases) {
    it(name, () => {
      assertScan(scanCloudFormation(text), expect(locator(text)));
    });
  }
}

/** The references of a scan with each range replaced by the text under it: compact to compare. */
function written(text: string, result: ScanResult): string[][] {
  return result.references.map((reference) => [
    text.slice(reference.range.start, reference.range.end),
    reference.endPortRange ? text.slice(reference.endPortRange.start, reference.endPortRange.end) : '',
    reference.firewall?.sourceRange ? text.slice(reference.firewall.sourceRange.start, reference.firewall.sourceRange.end) : '',
  ]);
}

describe('CloudFormation security groups', () => {
  describe('AWS::EC2::SecurityGroup rule lists in YAML', () => {
    runCases([
      {
        name: 'an SSH rule open to the world: FromPort digits, ToPort digits apart, the open CIDR',
        text: securityGroup(
          '      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n',
        ),
        expect: (at) => ({
          references: [
            rule({ range: at('22'), portRange: at('22'), endPortRange: at('22', 1), port: 22, scope: WEB, source: null, sourceRange: at('0.0.0.0/0') }),
          ],
        }),
      },
      {
        name: 'a port range from a private network, with quoted values',
        text: securityGroup(
          '      SecurityGroupIngress:\n        - IpProtocol: "tcp"\n          FromPort: "8000"\n          ToPort: \'8100\'\n          CidrIp: "10.0.0.0/8"\n',
        ),
        expect: (at) => ({
          references: [rule({ range: at('8000'), portRange: at('8000'), endPortRange: at('8100'), port: 8000, endPort: 8100, scope: WEB, source: '10.0.0.0/8' })],
        }),
      },
      {
        name: 'ingress and egress lists of one group, the egress rule marked egress',
        text: securityGroup(
          '      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIpv6: ::/0\n' +
            '      SecurityGroupEgress:\n        - IpProtocol: udp\n          FromPort: 53\n          ToPort: 53\n          CidrIp: 0.0.0.0/0\n',
        ),
        expect: (at) => ({
          references: [
            rule({ range: at('443'), portRange: at('443'), endPortRange: at('443', 1), port: 443, scope: WEB, source: null, sourceRange: at('::/0') }),
            rule({
              range: at('53'),
              portRange: at('53'),
              endPortRange: at('53', 1),
              protocol: 'udp',
              port: 53,
              scope: WEB,
              source: null,
              sourceRange: at('0.0.0.0/0'),
              chain: 'egress',
            }),
          ],
        }),
      },
      {
        name: 'IpProtocol -1 opens every port of every protocol, whatever the ports say',
        text: securityGroup('      SecurityGroupIngress:\n        - IpProtocol: -1\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 0.0.0.0/0\n'),
        expect: (at) => ({
          references: [rule({ range: at('-1'), protocol: 'any', port: 0, endPort: 65535, scope: WEB, source: null, sourceRange: at('0.0.0.0/0') })],
        }),
      },
      {
        name: 'a quoted "-1" without ports',
        text: securityGroup('      SecurityGroupIngress:\n        - IpProtocol: "-1"\n          SourceSecurityGroupId: sg-0123456789abcdef0\n'),
        expect: (at) => ({
          references: [rule({ range: at('-1'), protocol: 'any', port: 0, endPort: 65535, scope: WEB, source: 'sg-0123456789abcdef0' })],
        }),
      },
      {
        name: 'FromPort 0 to ToPort 65535 over tcp: every tcp port',
        text: securityGroup('      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 0\n          ToPort: 65535\n          CidrIp: 192.168.0.0/16\n'),
        expect: (at) => ({
          references: [rule({ range: part(at('FromPort: 0'), 10), portRange: part(at('FromPort: 0'), 10), endPortRange: at('65535'), port: 0, endPort: 65535, scope: WEB, source: '192.168.0.0/16' })],
        }),
      },
      {
        name: 'protocol numbers 6 and 17 are tcp and udp; icmp and other protocols without ports give nothing; SCTP opens all its ports',
        text: securityGroup(
          '      SecurityGroupIngress:\n' +
            '        - IpProtocol: 6\n          FromPort: 25\n          ToPort: 25\n          CidrIp: 10.1.0.0/16\n' +
            '        - IpProtocol: "17"\n          FromPort: 123\n          ToPort: 123\n          CidrIp: 10.1.0.0/16\n' +
            '        - IpProtocol: icmp\n          FromPort: -1\n          ToPort: -1\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: icmpv6\n          CidrIpv6: ::/0\n' +
            '        - IpProtocol: 50\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: 132\n          CidrIp: 10.1.0.0/16\n',
        ),
        expect: (at) => ({
          references: [
            rule({ range: at('25'), portRange: at('25'), endPortRange: at('25', 1), port: 25, scope: WEB, source: '10.1.0.0/16' }),
            rule({ range: at('123'), portRange: at('123'), endPortRange: at('123', 1), protocol: 'udp', port: 123, scope: WEB, source: '10.1.0.0/16' }),
            rule({ range: at('132'), protocol: 'sctp', port: 0, endPort: 65535, scope: WEB, source: '10.1.0.0/16' }),
          ],
        }),
      },
      {
        name: 'a rule open to the world through any of its sources, and the first source otherwise',
        text: securityGroup(
          '      SecurityGroupIngress:\n' +
            '        - IpProtocol: tcp\n          FromPort: 6379\n          ToPort: 6379\n          SourceSecurityGroupName: cache-clients\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: tcp\n          FromPort: 5432\n          ToPort: 5432\n          SourcePrefixListId: pl-63a5400a\n',
        ),
        expect: (at) => ({
          references: [
            rule({ range: at('6379'), portRange: at('6379'), endPortRange: at('6379', 1), port: 6379, scope: WEB, source: null, sourceRange: at('0.0.0.0/0') }),
            rule({ range: at('5432'), portRange: at('5432'), endPortRange: at('5432', 1), port: 5432, scope: WEB, source: 'pl-63a5400a' }),
          ],
        }),
      },
      {
        name: 'a rule that names no source adds nothing: EC2 does not create it',
        text: securityGroup('      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n'),
        expect: () => ({ references: [] }),
      },
      {
        name: 'YAML anchors and merge keys between rules',
        text: securityGroup(
          '      SecurityGroupIngress:\n        - &web\n          IpProtocol: tcp\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 0.0.0.0/0\n' +
            '        - <<: *web\n          CidrIp: 10.0.0.0/8\n',
        ),
        expect: (at) => {
          const first = { range: at('80'), portRange: at('80'), endPortRange: at('80', 1), port: 80, scope: WEB };
          return { references: [rule({ ...first, source: null, sourceRange: at('0.0.0.0/0') }), rule({ ...first, source: '10.0.0.0/8' })] };
        },
      },
    ]);
  });

  describe('standalone rule resources', () => {
    runCases([
      {
        name: 'AWS::EC2::SecurityGroupIngress from another group, scoped to its own logical id',
        text: template(
          '  WebSecurityGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: Web\n' +
            '  DatabaseIngress:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt DatabaseSecurityGroup.GroupId\n' +
            '      IpProtocol: tcp\n      FromPort: 5432\n      ToPort: 5432\n      SourceSecurityGroupId: !GetAtt WebSecurityGroup.GroupId\n',
        ),
        expect: (at) => ({
          references: [
            rule({
              range: at('5432'),
              portRange: at('5432'),
              endPortRange: at('5432', 1),
              port: 5432,
              scope: 'DatabaseIngress',
              source: '!GetAtt WebSecurityGroup.GroupId',
            }),
          ],
        }),
      },
      {
        name: 'AWS::EC2::SecurityGroupEgress to a destination group and to everywhere',
        text: template(
          '  ToDatabase:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      GroupId: !Ref WebSecurityGroup\n' +
            '      IpProtocol: tcp\n      FromPort: 3306\n      ToPort: 3306\n      DestinationSecurityGroupId:\n        Fn::GetAtt:\n          - DatabaseSecurityGroup\n          - GroupId\n' +
            '  AnyOut:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      GroupId: !Ref WebSecurityGroup\n      IpProtocol: "-1"\n      CidrIp: 0.0.0.0/0\n',
        ),
        expect: (at) => ({
          references: [
            rule({
              range: at('3306'),
              portRange: at('3306'),
              endPortRange: at('3306', 1),
              port: 3306,
              scope: 'ToDatabase',
              source: 'Fn::GetAtt: - DatabaseSecurityGroup - GroupId',
              chain: 'egress',
            }),
            rule({ range: at('-1'), protocol: 'any', port: 0, endPort: 65535, scope: 'AnyOut', source: null, sourceRange: at('0.0.0.0/0'), chain: 'egress' }),
          ],
        }),
      },
      {
        name: 'resources of other types are left alone',
        text: template('  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n'),
        expect: () => ({ references: [] }),
      },
    ]);
  });

  describe('JSON templates', () => {
    runCases([
      {
        name: 'string port values: the digits inside the quotes',
        text: [
          '{',
          '  "AWSTemplateFormatVersion": "2010-09-09",',
          '  "Resources": {',
          '    "InstanceSecurityGroup": {',
          '      "Type": "AWS::EC2::SecurityGroup",',
          '      "Properties": {',
          '        "GroupDescription": "Allow http to client host",',
          '        "VpcId": { "Ref": "myVPC" },',
          '        "SecurityGroupIngress": [',
          '          { "IpProtocol": "tcp", "FromPort": "80", "ToPort": "80", "CidrIp": "0.0.0.0/0" }',
          '        ],',
          '        "SecurityGroupEgress": [',
          '          { "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0" }',
          '        ]',
          '      }',
          '    }',
          '  }',
          '}',
          '',
        ].join('\n'),
        expect: (at) => ({
          references: [
            rule({
              range: at('80'),
              portRange: at('80'),
              endPortRange: at('80', 1),
              port: 80,
              scope: 'InstanceSecurityGroup',
              source: null,
              sourceRange: at('0.0.0.0/0'),
            }),
            rule({
              range: at('80', 2),
              portRange: at('80', 2),
              endPortRange: at('80', 3),
              port: 80,
              scope: 'InstanceSecurityGroup',
              source: null,
              sourceRange: at('0.0.0.0/0', 1),
              chain: 'egress',
            }),
          ],
        }),
      },
      {
        name: 'tab-indented JSON with a standalone ingress and long-form intrinsics',
        text: [
          '{',
          '\t"Parameters": { "DbPort": { "Type": "Number", "Default": 5432 } },',
          '\t"Resources": {',
          '\t\t"DbIngress": {',
          '\t\t\t"Type": "AWS::EC2::SecurityGroupIngress",',
          '\t\t\t"Properties": {',
          '\t\t\t\t"GroupId": { "Fn::GetAtt": ["DbGroup", "GroupId"] },',
          '\t\t\t\t"IpProtocol": "tcp",',
          '\t\t\t\t"FromPort": { "Ref": "DbPort" },',
          '\t\t\t\t"ToPort": { "Ref": "DbPort" },',
          '\t\t\t\t"SourceSecurityGroupId": { "Fn::GetAtt": ["AppGroup", "GroupId"] }',
          '\t\t\t}',
          '\t\t}',
          '\t}',
          '}',
        ].join('\n'),
        expect: (at) => ({
          references: [
            rule({
              range: at('{ "Ref": "DbPort" }'),
              endPortRange: at('{ "Ref": "DbPort" }', 1),
              port: 5432,
              scope: 'DbIngress',
              source: '{ "Fn::GetAtt": ["AppGroup", "GroupId"] }',
              rawText: '{ "Ref": "DbPort" }',
            }),
          ],
        }),
      },
    ]);
  });

  describe('intrinsic functions', () => {
    const parameters =
      '  SshPort:\n    Type: Number\n    Default: 22\n' +
      '  RdpPort:\n    Type: String\n    Default: "3389"\n' +
      '  AllowedCidr:\n    Type: String\n    Default: "0.0.0.0/0"\n' +
      '  OfficeCidr:\n    Type: String\n    Default: 203.0.113.0/24\n' +
      '  AdminCidr:\n    Type: String\n' +
      '  StoredPort:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /network/ssh-port\n';
    const withParameters = (rules: string): string =>
      template(`  WebSecurityGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: Web\n      SecurityGroupIngress:\n${rules}`, parameters);

    runCases([
      {
        name: 'a short-form Ref to a Number parameter resolves to its default',
        text: withParameters('        - IpProtocol: tcp\n          FromPort: !Ref SshPort\n          ToPort: !Ref SshPort\n          CidrIp: 10.0.0.0/8\n'),
        expect: (at) => ({
          references: [
            rule({ range: at('!Ref SshPort'), endPortRange: at('!Ref SshPort', 1), port: 22, scope: WEB, source: '10.0.0.0/8', rawText: '!Ref SshPort' }),
          ],
        }),
      },
      {
        name: 'a long-form Ref to a String parameter, and a world CIDR from a parameter default',
        text: withParameters('        - IpProtocol: tcp\n          FromPort:\n            Ref: RdpPort\n          ToPort: 3389\n          CidrIp: !Ref AllowedCidr\n'),
        expect: (at) => ({
          references: [
            rule({
              range: at('Ref: RdpPort'),
              endPortRange: at('3389', 1),
              port: 3389,
              scope: WEB,
              source: null,
              sourceRange: at('0.0.0.0/0'),
              rawText: 'Ref: RdpPort',
            }),
          ],
        }),
      },
      {
        name: 'a CIDR parameter with a private default resolves to that network',
        text: withParameters('        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: !Ref OfficeCidr\n'),
        expect: (at) => ({
          references: [rule({ range: at('443'), portRange: at('443'), endPortRange: at('443', 1), port: 443, scope: WEB, source: '203.0.113.0/24' })],
        }),
      },
      {
        name: 'a CIDR parameter without a default is an unresolved source, not the world',
        text: withParameters('        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: !Ref AdminCidr\n'),
        expect: (at) => ({
          references: [rule({ range: at('22', 1), portRange: at('22', 1), endPortRange: at('22', 2), port: 22, scope: WEB, source: '!Ref AdminCidr' })],
        }),
      },
      {
        name: 'ports from a parameter without a default, an SSM parameter, a resource, !Sub and !FindInMap are unresolved',
        text: withParameters(
          '        - IpProtocol: tcp\n          FromPort: !Ref AdminCidr\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: tcp\n          FromPort: !Ref StoredPort\n          ToPort: !Ref StoredPort\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: tcp\n          FromPort: 8080\n          ToPort: !Ref WebSecurityGroup\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: tcp\n          FromPort: !Sub "${SshPort}"\n          ToPort: !FindInMap [Ports, !Ref "AWS::Region", Ssh]\n          CidrIp: 0.0.0.0/0\n',
        ),
        expect: (at) => {
          const world = (nth: number): Pick<RuleFields, 'source' | 'sourceRange' | 'scope'> => ({ source: null, sourceRange: at('0.0.0.0/0', nth + 1), scope: WEB });
          return {
            references: [
              rule({ range: at('!Ref AdminCidr'), endPortRange: at('22', 1), port: null, rawText: '!Ref AdminCidr', ...world(0) }),
              rule({ range: at('!Ref StoredPort'), endPortRange: at('!Ref StoredPort', 1), port: null, rawText: '!Ref StoredPort', ...world(1) }),
              rule({ range: at('8080'), portRange: at('8080'), endPortRange: at('!Ref WebSecurityGroup'), port: null, rawText: '!Ref WebSecurityGroup', ...world(2) }),
              rule({
                range: at('!Sub "${SshPort}"'),
                endPortRange: at('!FindInMap [Ports, !Ref "AWS::Region", Ssh]'),
                port: null,
                rawText: '!Sub "${SshPort}"',
                ...world(3),
              }),
            ],
            problems: [
              p('unresolved-port', at('!Ref AdminCidr'), 'info'),
              p('unresolved-port', at('!Ref StoredPort'), 'info'),
              p('unresolved-port', at('!Ref StoredPort', 1), 'info'),
              p('unresolved-port', at('!Ref WebSecurityGroup'), 'info'),
              p('unresolved-port', at('!Sub "${SshPort}"'), 'info'),
              p('unresolved-port', at('!FindInMap [Ports, !Ref "AWS::Region", Ssh]'), 'info'),
            ],
          };
        },
      },
      {
        name: 'an !If source is not guessed to be the world, even with an open branch',
        text: withParameters('        - IpProtocol: tcp\n          FromPort: 9200\n          ToPort: 9200\n          CidrIp: !If [IsProduction, 10.0.0.0/8, 0.0.0.0/0]\n'),
        expect: (at) => ({
          references: [
            rule({ range: at('9200'), portRange: at('9200'), endPortRange: at('9200', 1), port: 9200, scope: WEB, source: '!If [IsProduction, 10.0.0.0/8, 0.0.0.0/0]' }),
          ],
        }),
      },
      {
        name: 'an unresolved IpProtocol leaves the ports unknown',
        text: withParameters('        - IpProtocol: !Ref AdminCidr\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n'),
        expect: (at) => ({
          references: [rule({ range: at('!Ref AdminCidr'), protocol: 'any', port: null, scope: WEB, source: null, sourceRange: at('0.0.0.0/0', 1), rawText: '!Ref AdminCidr' })],
          problems: [p('unresolved-port', at('!Ref AdminCidr'), 'info')],
        }),
      },
      {
        name: 'both branches of an !If on a rule and on the whole list are read; AWS::NoValue adds nothing',
        text: template(
          '  WebSecurityGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: Web\n' +
            '      SecurityGroupIngress:\n' +
            '        - !If\n          - AllowSsh\n          - IpProtocol: tcp\n            FromPort: 22\n            ToPort: 22\n            CidrIp: 0.0.0.0/0\n          - !Ref AWS::NoValue\n' +
            '      SecurityGroupEgress: !If\n        - Locked\n        - - IpProtocol: tcp\n            FromPort: 443\n            ToPort: 443\n            CidrIp: 10.0.0.0/8\n' +
            '        - - IpProtocol: "-1"\n            CidrIp: 0.0.0.0/0\n',
        ),
        expect: (at) => ({
          references: [
            rule({ range: at('22'), portRange: at('22'), endPortRange: at('22', 1), port: 22, scope: WEB, source: null, sourceRange: at('0.0.0.0/0') }),
            rule({ range: at('443'), portRange: at('443'), endPortRange: at('443', 1), port: 443, scope: WEB, source: '10.0.0.0/8', chain: 'egress' }),
            rule({ range: at('-1'), protocol: 'any', port: 0, endPort: 65535, scope: WEB, source: null, sourceRange: at('0.0.0.0/0', 1), chain: 'egress' }),
          ],
        }),
      },
    ]);

    it('reads every short-form intrinsic tag on scalars, sequences and mappings without a problem', () => {
      const text = template(
        '  WebSecurityGroup:\n    Type: AWS::EC2::SecurityGroup\n    Condition: !Equals [!Ref Stage, prod]\n    Properties:\n' +
          '      GroupDescription: !Sub\n        - "${Name} web"\n        - Name: !Select [0, !Split ["-", !Ref "AWS::StackName"]]\n' +
          '      VpcId: !ImportValue NetworkStack-VpcId\n' +
          '      Tags:\n        - Key: zones\n          Value: !Join [",", !GetAZs ""]\n' +
          '        - Key: data\n          Value: !Base64 { "Fn::Sub": "x" }\n' +
          '        - Key: subnets\n          Value: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]\n' +
          '        - Key: logic\n          Value: !If [!And [!Condition A, !Or [!Not [!Condition B], !Condition C]], x, y]\n' +
          '        - Key: macro\n          Value: !Transform { Name: AWS::Include, Parameters: { Location: s3://bucket/x } }\n' +
          '        - Key: where\n          Value: !FindInMap [Map, !Ref "AWS::Region", Key]\n' +
          '      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 80\n          ToPort: 80\n          CidrIp: !GetAtt\n            - Vpc\n            - CidrBlock\n',
      );
      const at = locator(text);
      assertScan(scanCloudFormation(text), {
        references: [
          rule({ range: at('80'), portRange: at('80'), endPortRange: at('80', 1), port: 80, scope: WEB, source: '!GetAtt - Vpc - CidrBlock' }),
        ],
      });
    });
  });

  describe('values EC2 refuses', () => {
    runCases([
      {
        name: 'a reversed range, a port out of range, a port that is no number and an unknown protocol',
        text: securityGroup(
          '      SecurityGroupIngress:\n' +
            '        - IpProtocol: tcp\n          FromPort: 9000\n          ToPort: 8000\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 70000\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: udp\n          FromPort: -1\n          ToPort: -1\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: tcp\n          FromPort: ssh\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: http\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: 300\n          CidrIp: 0.0.0.0/0\n',
        ),
        expect: (at) => ({
          references: [],
          problems: [
            p('reversed-range', at('8000')),
            p('port-out-of-range', at('70000')),
            p('port-out-of-range', at('-1')),
            p('port-out-of-range', at('-1', 1)),
            p('not-a-number', at('ssh')),
            p('unknown-protocol', at('http')),
            p('unknown-protocol', at('300')),
          ],
        }),
      },
      {
        name: 'a tcp rule without ToPort, or without either port, is doubtful',
        text: securityGroup(
          '      SecurityGroupIngress:\n' +
            '        - IpProtocol: tcp\n          FromPort: 22\n          CidrIp: 0.0.0.0/0\n' +
            '        - IpProtocol: udp\n          CidrIp: 0.0.0.0/0\n',
        ),
        expect: (at) => ({
          references: [],
          problems: [p('invalid-port', at('22'), 'warning'), p('invalid-port', at('udp'), 'warning')],
        }),
      },
    ]);
  });

  describe('files that cannot be read', () => {
    it('reports a YAML syntax error as a parse error and still reads what it can', () => {
      const text = securityGroup('      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: "0.0.0.0/0\n');
      const result = scanCloudFormation(text);
      assert.ok(result.problems.length > 0);
      assert.ok(result.problems.every((found) => found.code === 'parse-error' && found.severity === 'error'));
      assertRangesInside(
        result.problems.map((found, index) => [`problems[${index}]`, found.range]),
        text.length,
      );
    });

    it('reports broken JSON as a parse error', () => {
      const text = '{ "AWSTemplateFormatVersion": "2010-09-09", "Resources": { "G": { "Type": "AWS::EC2::SecurityGroup", ';
      const result = scanCloudFormation(text);
      assert.deepEqual(result.references, []);
      assert.ok(result.problems.length > 0 && result.problems.every((found) => found.code === 'parse-error'));
    });

    it('reports a key written twice in one mapping', () => {
      const text = securityGroup('      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 10.0.0.0/8\n');
      const at = locator(text);
      assert.deepEqual(
        scanCloudFormation(text).problems.map(({ code, range }) => ({ code, range })),
        [{ code: 'parse-error', range: part(at('FromPort', 1), 0, 1) }],
      );
    });

    it('refuses a template nested too deeply with one parse error', () => {
      const text = `AWSTemplateFormatVersion: "2010-09-09"\nResources: ${'['.repeat(5000)}\n`;
      const result = scanCloudFormation(text);
      assert.deepEqual(result.references, []);
      assert.deepEqual(
        result.problems.map((found) => found.code),
        ['parse-error'],
      );
    });
  });

  describe('format detection', () => {
    it('routes YAML, JSON and .template files that look like templates to the scanner', () => {
      const yaml = securityGroup('      SecurityGroupIngress: []\n');
      const json = '{ "Resources": { "G": { "Type": "AWS::EC2::SecurityGroup" } } }';
      assert.ok(looksLikeCloudFormation(yaml) && looksLikeCloudFormation(json));
      assert.deepEqual(detectFormats('infra/template.yaml', yaml), ['cloudformation']);
      assert.deepEqual(detectFormats('infra/stack.json', json), ['cloudformation']);
      assert.deepEqual(detectFormats('infra/stack.template', json), ['cloudformation']);
      assert.deepEqual(detectFormats('package.json', '{ "name": "x" }'), []);
    });
  });

  describe('rules', () => {
    const SENSITIVE = [22, 3389, 5432, 6379, 9200];

    function sensitiveGroup(source: string, list = 'SecurityGroupIngress'): string {
      const rules = SENSITIVE.map((port) => `        - IpProtocol: tcp\n          FromPort: ${port}\n          ToPort: ${port}\n          ${source}\n`).join('');
      return securityGroup(`      ${list}:\n${rules}`);
    }

    it('flags 22, 3389, 5432, 6379 and 9200 open to the world in YAML', () => {
      const text = sensitiveGroup('CidrIp: 0.0.0.0/0');
      assert.deepEqual(
        findings('template.yaml', text, 'sensitive-port-exposed').map(([port]) => port),
        SENSITIVE.map(String),
      );
    });

    it('flags the same ports open to every IPv6 address in JSON', () => {
      const rules = SENSITIVE.map((port) => `{ "IpProtocol": "tcp", "FromPort": ${port}, "ToPort": ${port}, "CidrIpv6": "::/0" }`).join(',\n        ');
      const text = `{\n  "Resources": {\n    "G": {\n      "Type": "AWS::EC2::SecurityGroup",\n      "Properties": {\n        "SecurityGroupIngress": [\n        ${rules}\n        ]\n      }\n    }\n  }\n}\n`;
      assert.deepEqual(
        findings('template.json', text, 'sensitive-port-exposed').map(([port]) => port),
        SENSITIVE.map(String),
      );
    });

    it('flags a port opened to the world through a parameter default', () => {
      const text = template(
        '  DbIngress:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: sg-1\n      IpProtocol: tcp\n      FromPort: !Ref DbPort\n      ToPort: !Ref DbPort\n      CidrIp: !Ref Anywhere\n',
        '  DbPort:\n    Type: Number\n    Default: 5432\n  Anywhere:\n    Type: String\n    Default: 0.0.0.0/0\n',
      );
      assert.deepEqual(
        findings('template.yaml', text, 'sensitive-port-exposed').map(([port]) => port),
        ['!Ref DbPort'],
      );
    });

    for (const [label, source] of [
      ['a private network', 'CidrIp: 10.0.0.0/8'],
      ['another security group', 'SourceSecurityGroupId: !Ref BastionSecurityGroup'],
      ['an unresolved parameter', 'CidrIp: !Ref AdminCidr'],
    ] as const) {
      it(`does not flag the same ports open to ${label}`, () => {
        assert.deepEqual(findings('template.yaml', sensitiveGroup(source), 'sensitive-port-exposed'), []);
      });
    }

    it('does not flag the same ports opened as egress to the world', () => {
      assert.deepEqual(findings('template.yaml', sensitiveGroup('CidrIp: 0.0.0.0/0', 'SecurityGroupEgress'), 'sensitive-port-exposed'), []);
    });

    it('flags every port open to the world through IpProtocol -1, as a sensitive and a wide range', () => {
      const text = securityGroup('      SecurityGroupIngress:\n        - IpProtocol: -1\n          CidrIp: 0.0.0.0/0\n');
      assert.deepEqual(findings('template.yaml', text, 'sensitive-port-exposed').map(([written]) => written), ['-1']);
      assert.deepEqual(findings('template.yaml', text, 'wide-port-range').map(([written]) => written), ['-1']);
    });

    it('reports an unresolved port as information', () => {
      const text = securityGroup('      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: !Ref SshPort\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n');
      const problems = analyzeFile('template.yaml', text)?.problems ?? [];
      assert.deepEqual(
        problems.map(({ code, severity }) => [code, severity]),
        [['unresolved-port', 'info']],
      );
    });

    it('offers a fix that replaces only the open CIDR', () => {
      const text = sensitiveGroup('CidrIp: "0.0.0.0/0"');
      const diagnostic = diagnosticAt('template.yaml', text, 'sensitive-port-exposed', '22');
      const result = applyEdits(text, editFix(fixesOf('template.yaml', text, diagnostic), /trusted source/).edits);
      assert.equal(result.split('\n').filter((line) => line.includes('0.0.0.0/0')).length, SENSITIVE.length - 1);
      assert.equal(written(result, scanCloudFormation(result))[0][2], '');
    });
  });

  describe('properties', function () {
    this.timeout(timeLimitFor(PROPERTY_RUNS));

    const SEEDS: Seed[] = [
      {
        name: 'yaml template',
        format: 'cloudformation',
        fileName: 'template.yaml',
        text: template(
          '  WebSecurityGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: Web\n      SecurityGroupIngress:\n' +
            '        - IpProtocol: tcp\n          FromPort: !Ref SshPort\n          ToPort: 22\n          CidrIp: !Ref AllowedCidr\n' +
            '        - !If [C, { IpProtocol: "-1", CidrIp: "0.0.0.0/0" }, !Ref AWS::NoValue]\n' +
            '      SecurityGroupEgress:\n        - { IpProtocol: udp, FromPort: "53", ToPort: 53, CidrIpv6: "::/0" }\n' +
            '  Extra:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      IpProtocol: 6\n      FromPort:\n        Fn::Sub: "${P}"\n      ToPort: 9\n      SourceSecurityGroupId: !GetAtt [G, GroupId]\n',
          '  SshPort:\n    Type: Number\n    Default: 22\n  AllowedCidr:\n    Type: String\n    Default: 0.0.0.0/0\n',
        ),
      },
      {
        name: 'json template',
        format: 'cloudformation',
        fileName: 'template.json',
        text:
          '{"Parameters":{"P":{"Type":"String","Default":"3389"}},"Resources":{"G":{"Type":"AWS::EC2::SecurityGroup","Properties":{' +
          '"SecurityGroupIngress":[{"IpProtocol":"tcp","FromPort":{"Ref":"P"},"ToPort":"3389","CidrIp":"0.0.0.0/0"},' +
          '{"IpProtocol":"-1","SourcePrefixListId":"pl-1"}],"SecurityGroupEgress":[{"IpProtocol":"17","FromPort":0,"ToPort":65535,"CidrIp":"10.0.0.0/8"}]}}}}',
      },
    ];

    function rangesOf(result: ScanResult): [string, SourceRange | undefined][] {
      return [
        ...result.references.flatMap((reference, index): [string, SourceRange | undefined][] => [
          [`references[${index}].range`, reference.range],
          [`references[${index}].portRange`, reference.portRange],
          [`references[${index}].endPortRange`, reference.endPortRange],
          [`references[${index}].firewall.sourceRange`, reference.firewall?.sourceRange],
        ]),
        ...result.problems.map((found, index): [string, SourceRange] => [`problems[${index}].range`, found.range]),
      ];
    }

    it('reads both seeds as intended', () => {
      for (const seed of SEEDS) {
        assert.ok(scanCloudFormation(seed.text).references.length >= 3, seed.name);
      }
    });

    it(`never throws on mutated templates, keeps every range inside the text and is deterministic (${PROPERTY_RUNS} runs)`, () => {
      fc.assert(
        fc.property(mutatedSeed(SEEDS), ({ text }) => {
          const result = scanCloudFormation(text);
          assertRangesInside(rangesOf(result), text.length);
          for (const found of result.problems) {
            assert.ok(found.message.length > 0);
          }
          assert.deepEqual(scanCloudFormation(text), result);
        }),
        { numRuns: PROPERTY_RUNS },
      );
    });
  });
});
