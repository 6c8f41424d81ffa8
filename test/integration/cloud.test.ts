import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, exampleUri, hoverText, openExample, positionOf, ruleOf, waitForActivation, waitForDiagnostics } from './helpers';

/** The line (0-based) of the first occurrence of `needle` in the document. */
function lineOf(document: vscode.TextDocument, needle: string, occurrence = 0): number {
  return positionOf(document, needle, 0, occurrence).line;
}

describe('Cloud firewall rules in a real editor', () => {
  after(closeAllEditors);

  it('flags a Terraform security group open to the world, and not the same port from a private network', async () => {
    const document = await openExample('cloud/aws.tf');
    await vscode.window.showTextDocument(document);
    await waitForActivation();
    const uri = exampleUri('cloud/aws.tf');
    const databaseLine = lineOf(document, 'from_port         = 5432');
    const diagnostics = await waitForDiagnostics(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed' && diagnostic.range.start.line === databaseLine));
    const exposed = diagnostics.filter((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed');
    assert.ok(exposed.some((diagnostic) => /PostgreSQL/.test(diagnostic.message)), 'PostgreSQL open to 0.0.0.0/0 is reported with its reason');
    const cacheLine = lineOf(document, 'from_port         = 6379');
    assert.ok(!exposed.some((diagnostic) => diagnostic.range.start.line === cacheLine), 'Redis from 10.0.0.0/16 is not exposure');
    const egressLine = lineOf(document, 'protocol         = "-1"');
    assert.ok(!diagnostics.some((diagnostic) => Math.abs(diagnostic.range.start.line - egressLine) <= 2 && ruleOf(diagnostic) === 'sensitive-port-exposed'), 'an egress rule is not exposure');
  });

  it('judges a rule port taken from a variable default in the module folder', async () => {
    const document = await openExample('cloud/aws.tf');
    await vscode.window.showTextDocument(document);
    await waitForActivation();
    const sshLine = lineOf(document, 'from_port   = var.ssh_port');
    const diagnostics = await waitForDiagnostics(exampleUri('cloud/aws.tf'), (all) =>
      all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed' && diagnostic.range.start.line === sshLine));
    const ssh = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed' && diagnostic.range.start.line === sshLine);
    assert.match(ssh?.message ?? '', /var\.ssh_port is 22 in .*variables\.tf/);
  });

  it('explains a port in a Terraform rule on hover, with the rule it belongs to', async () => {
    const document = await openExample('cloud/aws.tf');
    const text = await hoverText(document, positionOf(document, 'from_port         = 5432', 21));
    assert.match(text, /Allows tcp\/5432 .*from \*\*anywhere\*\* \(ingress rule\)/);
    assert.match(text, /PostgreSQL/);
    const toPort = await hoverText(document, positionOf(document, 'to_port           = 5432', 21));
    assert.match(toPort, /PostgreSQL/, 'to_port finds the same rule');
  });

  it('explains ports in Google Cloud and Azure rules on hover', async () => {
    const google = await openExample('cloud/gcp.tf');
    assert.match(await hoverText(google, positionOf(google, '"9200"', 2)), /Elasticsearch/);
    const azure = await openExample('cloud/azure.tf');
    assert.match(await hoverText(azure, positionOf(azure, '"3389"', 2)), /RDP|Remote Desktop/i);
  });

  it('flags a CloudFormation ingress open to the world, and resolves a Ref to a parameter default', async () => {
    const document = await openExample('cloud/template.yaml');
    await vscode.window.showTextDocument(document);
    await waitForActivation();
    const mysqlLine = lineOf(document, 'FromPort: 3306');
    const sshLine = lineOf(document, 'FromPort: !Ref SshPort');
    const diagnostics = await waitForDiagnostics(exampleUri('cloud/template.yaml'), (all) => {
      const lines = all.filter((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed').map((diagnostic) => diagnostic.range.start.line);
      return lines.includes(mysqlLine) && lines.includes(sshLine);
    });
    assert.ok(!diagnostics.some((diagnostic) => diagnostic.message.includes('YAML')), 'short-form tags read without a YAML error');
    const adminLine = lineOf(document, 'FromPort: 9090');
    assert.ok(!diagnostics.some((diagnostic) => diagnostic.range.start.line === adminLine && ruleOf(diagnostic) === 'sensitive-port-exposed'));
    const text = await hoverText(document, positionOf(document, 'FromPort: 3306', 11));
    assert.match(text, /MySQL/);
  });
});
