import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../src/core/analysis';
import { feed, findings, modelOf, pathOf } from './wiringHarness';

const RULE = `resource "aws_security_group" "admin" {
  ingress {
    from_port   = var.ssh_port
    to_port     = var.ssh_port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;

const PRIVATE_RULE = RULE.replace('0.0.0.0/0', '10.0.0.0/8');

function variables(port: number | string): string {
  return `variable "ssh_port" {\n  type    = number\n  default = ${typeof port === 'string' ? `"${port}"` : port}\n}\n`;
}

describe('Terraform variables across the files of a module folder', () => {
  it('judges a rule port by the default another file of the folder gives its variable', () => {
    const files = { 'infra/main.tf': RULE, 'infra/variables.tf': variables(22) };
    const model = modelOf(files);
    const [exposed] = findings(model, 'infra/main.tf', 'sensitive-port-exposed');
    assert.ok(exposed, 'SSH open to the world through var.ssh_port is reported');
    assert.equal(RULE.slice(exposed.range.start, exposed.range.end), 'var.ssh_port');
    assert.match(exposed.message, /SSH/);
    assert.match(exposed.message, /var\.ssh_port is 22 in .*variables\.tf:3/);
    assert.deepEqual(exposed.related?.map((related) => related.fileName), [pathOf('infra/variables.tf')]);
  });

  it('takes a default written as a string of digits, as Terraform converts it', () => {
    const model = modelOf({ 'main.tf': RULE, 'variables.tf': variables('3389') });
    assert.match(findings(model, 'main.tf', 'sensitive-port-exposed')[0]?.message ?? '', /RDP|Remote Desktop/i);
  });

  it('reports nothing for a private source, a default that is not a port, or a variable of another folder', () => {
    assert.deepEqual(findings(modelOf({ 'main.tf': PRIVATE_RULE, 'variables.tf': variables(22) }), 'main.tf'), []);
    assert.deepEqual(findings(modelOf({ 'main.tf': RULE, 'variables.tf': variables('ssh') }), 'main.tf'), []);
    assert.deepEqual(findings(modelOf({ 'main.tf': RULE, 'modules/net/variables.tf': variables(22) }), 'main.tf'), []);
  });

  it('follows the variables file as it changes, appears and goes', () => {
    const model = modelOf({ 'main.tf': RULE });
    assert.deepEqual(findings(model, 'main.tf'), []);
    assert.ok(model.wantedFiles().includes(pathOf('variables.tf')), 'the conventional variables file is asked for');
    feed(model, 'variables.tf', variables(22));
    assert.equal(findings(model, 'main.tf', 'sensitive-port-exposed').length, 1);
    feed(model, 'variables.tf', variables(8080));
    assert.deepEqual(findings(model, 'main.tf', 'sensitive-port-exposed'), []);
    feed(model, 'variables.tf', variables(6379));
    assert.match(findings(model, 'main.tf', 'sensitive-port-exposed')[0]?.message ?? '', /Redis/);
    model.deleteFile(pathOf('variables.tf'));
    assert.deepEqual(findings(model, 'main.tf'), []);
  });

  it('leaves a variable declared in the rule file itself to the per-file analysis', () => {
    const model = modelOf({ 'main.tf': `${variables(22)}${RULE}` });
    assert.deepEqual(findings(model, 'main.tf'), [], 'the file alone already reports it; the model adds no second finding');
  });

  it('honours a suppression comment above the rule', () => {
    const suppressed = RULE.replace('  ingress {', '  # port-lens-ignore sensitive-port-exposed\n  ingress {');
    assert.deepEqual(findings(modelOf({ 'main.tf': suppressed, 'variables.tf': variables(22) }), 'main.tf'), []);
  });

  it('lets a # or // comment above a block silence every rule inside it, and only that block', () => {
    const two = `${variables(22)}resource "aws_security_group" "admin" {
  // port-lens-ignore sensitive-port-exposed
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
    const exposed = analyzeFile('main.tf', two)?.diagnostics.filter((diagnostic) => diagnostic.rule === 'sensitive-port-exposed') ?? [];
    assert.deepEqual(exposed.map((diagnostic) => two.slice(diagnostic.range.start, diagnostic.range.end)), ['6379']);
    const hashed = analyzeFile('main.tf', two.replace('// port-lens-ignore', '# port-lens-ignore'))?.diagnostics.filter((diagnostic) => diagnostic.rule === 'sensitive-port-exposed') ?? [];
    assert.equal(hashed.length, 1);
  });
});
