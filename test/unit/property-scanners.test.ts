/**
 * Property tests for every scanner: whatever text comes in (arbitrary, or a real example file
 * mutated into a half-typed one), scanning never throws, every range lies inside the text, and
 * scanning the same text twice gives the same result. `npm run fuzz` raises the run count.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { detectFormats, FILE_FORMATS, SCANNERS } from '../../src/core/scanners/index';
import type { FileFormat, ScanResult } from '../../src/core/types';
import { arbitraryConfigText, assertRangesInside, loadSeeds, mutatedSeed, PROPERTY_RUNS, timeLimitFor } from './propertyInputs';
import type { Seed } from './propertyInputs';

/** Every range a scan result carries, labelled for the failure message. */
function labelledRanges(result: ScanResult): [string, { start: number; end: number } | undefined][] {
  const ranges: [string, { start: number; end: number } | undefined][] = [];
  result.references.forEach((reference, index) => {
    ranges.push([`references[${index}].range`, reference.range]);
    ranges.push([`references[${index}].portRange`, reference.portRange]);
    ranges.push([`references[${index}].hostPortRange`, reference.hostPortRange]);
  });
  result.problems.forEach((problem, index) => ranges.push([`problems[${index}].range`, problem.range]));
  return ranges;
}

/** Scans twice and checks both the ranges and that the second result equals the first. */
function checkScan(format: FileFormat, text: string, fileName?: string): void {
  const options = fileName === undefined ? undefined : { fileName };
  const first = SCANNERS[format](text, options);
  assert.equal(first.format, format);
  assertRangesInside(labelledRanges(first), text.length);
  for (const problem of first.problems) {
    assert.ok(problem.message.length > 0, 'every problem has a message');
  }
  assert.deepEqual(SCANNERS[format](text, options), first, 'scanning the same text twice gives the same result');
}

const seeds = loadSeeds();
const seedsByFormat = new Map<FileFormat, Seed[]>();
for (const seed of seeds) {
  seedsByFormat.set(seed.format, [...(seedsByFormat.get(seed.format) ?? []), seed]);
}

/** Counterexamples the properties found once, kept so they are checked on every run. */
const FOUND_BEFORE: readonly { readonly name: string; readonly format: FileFormat; readonly text: string }[] = [
  { name: 'a shell command ending in a lone backslash (the word ran one past the text)', format: 'ufw', text: 'ufw allow 22 \\' },
  { name: 'a cut-off ufw rule with a continuation backslash last', format: 'ufw', text: 'sudo ufw allow proto tcp from 10.20.0.0/16 \\' },
  { name: 'an iptables command ending in a lone backslash', format: 'iptables', text: 'iptables -A INPUT -p tcp --dport 22 \\' },
  { name: 'a firewall-cmd command ending in a lone backslash', format: 'firewalld', text: 'firewall-cmd --add-port=80/tcp \\' },
];

describe('scanner properties', function () {
  this.timeout(timeLimitFor(PROPERTY_RUNS));

  it('has at least one example or fixture to mutate for every format', () => {
    assert.deepEqual(FILE_FORMATS.filter((format) => !seedsByFormat.has(format)), []);
  });

  it('scans every unmutated seed within its ranges, deterministically, and finds ports in each format', () => {
    for (const seed of seeds) {
      checkScan(seed.format, seed.text, seed.fileName);
    }
    const formatsWithoutPorts = [...seedsByFormat].filter(([format, formatSeeds]) =>
      formatSeeds.every((seed) => SCANNERS[format](seed.text, { fileName: seed.fileName }).references.length === 0),
    );
    assert.deepEqual(formatsWithoutPorts.map(([format]) => format), []);
  });

  for (const regression of FOUND_BEFORE) {
    it(`keeps ranges inside the text for ${regression.name}`, () => {
      checkScan(regression.format, regression.text);
    });
  }

  for (const format of FILE_FORMATS) {
    describe(format, () => {
      it(`never throws on arbitrary short text, keeps ranges inside it and is deterministic (${PROPERTY_RUNS} runs)`, () => {
        fc.assert(
          fc.property(arbitraryConfigText, (text) => checkScan(format, text)),
          { numRuns: PROPERTY_RUNS },
        );
      });

      it(`never throws on mutated examples, keeps ranges inside them and is deterministic (${PROPERTY_RUNS} runs)`, () => {
        const formatSeeds = seedsByFormat.get(format) ?? [];
        assert.ok(formatSeeds.length > 0, `no seed for ${format}`);
        fc.assert(
          fc.property(mutatedSeed(formatSeeds), ({ seed, text }) => checkScan(format, text, seed.fileName)),
          { numRuns: PROPERTY_RUNS },
        );
      });
    });
  }

  it(`detects formats from content without throwing, for every generic file name (${PROPERTY_RUNS} runs)`, () => {
    const genericNames = ['values.yaml', 'zone.xml', 'setup.sh', 'README', 'rules.v4'];
    fc.assert(
      fc.property(fc.oneof(arbitraryConfigText, mutatedSeed(seeds).map(({ text }) => text)), fc.constantFrom(...genericNames), (text, fileName) => {
        const formats = detectFormats(fileName, text);
        assert.ok(formats.every((format) => FILE_FORMATS.includes(format)));
        assert.deepEqual(detectFormats(fileName, text), formats);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
