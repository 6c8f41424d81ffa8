import { quoteScalar } from './fixEdits';
import type { Rule } from './types';

/**
 * A YAML 1.1 sexagesimal integer: a leading digit group, then `:` groups below 60. Each group is
 * digits only and `:` separates them, so the pattern cannot backtrack.
 */
const SEXAGESIMAL = /^[1-9][0-9_]*(?::[0-5]?[0-9])+$/;

function sexagesimalValue(written: string): number {
  return written.split(':').reduce((value, part) => value * 60 + Number(part.replace(/_/g, '')), 0);
}

export const yamlBase60: Rule = {
  id: 'yaml-base-60',
  defaultSeverity: 'warning',
  enabledByDefault: true,
  description: 'An unquoted Compose port mapping such as 22:22 that YAML 1.1 readers take as a base-60 number.',
  check(context) {
    if (context.format !== 'compose') {
      return;
    }
    for (const reference of context.references) {
      if (!reference.plainScalar) {
        continue;
      }
      const written = context.text.slice(reference.range.start, reference.range.end);
      if (!SEXAGESIMAL.test(written)) {
        continue;
      }
      context.report({
        range: reference.range,
        message: `Unquoted ${written} is the base-60 number ${sexagesimalValue(written)} to a YAML 1.1 reader, not a port mapping; quote it.`,
        reference,
      });
    }
  },
  fixes(diagnostic, context) {
    const edit = diagnostic.reference ? quoteScalar(context.text, diagnostic.reference) : undefined;
    return edit ? [{ kind: 'edit', title: `Quote ${context.text.slice(edit.range.start, edit.range.end)}`, edits: [edit], isPreferred: true }] : [];
  },
};
