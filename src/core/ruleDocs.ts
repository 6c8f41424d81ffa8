/**
 * Where the rule pages (`docs/rules/<rule>.md`) are published, for the links the editor, the
 * command line and SARIF give with each finding.
 *
 * The address is the `repository.url` of package.json without its `.git`, written out here
 * rather than imported: the transpiled test tree cannot reach package.json from its own
 * directory. A unit test holds the two equal.
 */
export const PROJECT_URL = 'https://github.com/port-lens/port-lens';

/** The folder of the rule pages, ending in `/`. */
export const RULE_DOCS_BASE_URL = `${PROJECT_URL}/blob/main/docs/rules/`;

/** The published page of one rule. */
export function ruleDocsUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE_URL}${encodeURIComponent(ruleId)}.md`;
}

/** A Markdown link or image target: `](target)`, the target without spaces. */
const LINK_TARGET = /(\]\()([^)\s]+)(\))/g;
/** Fenced code blocks, and code spans within a paragraph, whose text is never a link. */
const CODE = /^```[^\n]*\n[\s\S]*?^```[^\n]*$|(`+)(?:(?!\n[ \t]*\n)[\s\S])*?[^`]\1(?!`)/gm;

/**
 * A rule page's relative links (`wide-port-range.md`, `../sensitive-ports.md`, `#suppression`)
 * made absolute against the page's published address, so they work wherever the page is shown
 * on its own: in SARIF viewers, code scanning alerts, a preview. Code is left as written.
 */
export function absoluteRuleDocLinks(markdown: string, ruleId: string, options: { readonly keepAnchors?: boolean } = {}): string {
  const pageUrl = ruleDocsUrl(ruleId);
  const absolute = (prose: string) => prose.replace(LINK_TARGET, (whole, open: string, target: string, close: string) => {
    // A preview of the page itself can follow a link to one of its own sections.
    if (options.keepAnchors && target.startsWith('#')) {
      return whole;
    }
    let resolved: string;
    try {
      resolved = new URL(target, pageUrl).href;
    } catch {
      resolved = target;
    }
    return `${open}${resolved}${close}`;
  });
  let result = '';
  let from = 0;
  for (const code of markdown.matchAll(CODE)) {
    const start = code.index ?? 0;
    result += absolute(markdown.slice(from, start)) + code[0];
    from = start + code[0].length;
  }
  return result + absolute(markdown.slice(from));
}
