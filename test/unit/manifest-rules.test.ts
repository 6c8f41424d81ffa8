import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../src/core/rules/index';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

interface RuleSettingSchema {
  readonly properties: Record<string, { enum: string[]; markdownDescription: string }>;
  readonly additionalProperties: { enum: string[] };
}

describe('the portLens.rules setting in package.json', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const schema = manifest.contributes.configuration.properties['portLens.rules'] as RuleSettingSchema;

  it('offers every rule id, and only those, for completion in settings.json', () => {
    assert.deepEqual(Object.keys(schema.properties), RULES.map((rule) => rule.id));
  });

  it('describes each rule with its default and a link to its page', () => {
    for (const rule of RULES) {
      const entry = schema.properties[rule.id];
      assert.deepEqual(entry.enum, ['error', 'warning', 'info', 'off']);
      assert.ok(entry.markdownDescription.startsWith(rule.description), rule.id);
      assert.ok(entry.markdownDescription.includes(`Default: \`${rule.enabledByDefault ? rule.defaultSeverity : 'off'}\``), rule.id);
      assert.ok(entry.markdownDescription.includes(`docs/rules/${rule.id}.md`), rule.id);
    }
  });

  it('still accepts ids of rules added later', () => {
    assert.deepEqual(schema.additionalProperties.enum, ['error', 'warning', 'info', 'off']);
  });
});
