/**
 * A rule's page, shipped in the extension (`docs/rules/<rule>.md`), in the Markdown preview: the
 * Problems panel's rule code and the hover's rule link open it offline, in the version installed.
 * The page is read through `vscode.workspace.fs` from the extension's own URI, so the web worker
 * host of vscode.dev reads it too.
 */
import * as vscode from 'vscode';
import { RULES, ruleById } from '../core/rules/index';
import { absoluteRuleDocLinks, ruleDocsUrl } from '../core/ruleDocs';
import { Commands } from './config';

export const RULE_HELP_SCHEME = 'port-lens-rule';

const RULE_PATH = /^\/([a-z0-9-]+)\.md$/;
const decoder = new TextDecoder('utf-8');

/** `port-lens-rule:/sensitive-port-exposed.md`, the read-only page of one rule. */
export function ruleHelpUri(rule: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RULE_HELP_SCHEME, path: `/${rule}.md` });
}

/** The link behind a diagnostic's rule code: a command, so it opens the bundled page rather than a web page. */
export function ruleHelpCommandUri(rule: string): vscode.Uri {
  return vscode.Uri.parse(`command:${Commands.showRuleHelp}?${encodeURIComponent(JSON.stringify([rule]))}`);
}

export class RuleHelpDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const rule = RULE_PATH.exec(uri.path)?.[1];
    if (!rule || !ruleById(rule)) {
      return `# Unknown rule\n\nPort Lens has no rule "${uri.path.replace(/^\//, '').replace(/\.md$/, '')}".`;
    }
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'docs', 'rules', `${rule}.md`));
      return absoluteRuleDocLinks(decoder.decode(bytes), rule, { keepAnchors: true });
    } catch {
      // A build without the pages still says what the rule is about.
      return `# ${rule}\n\n${ruleById(rule)?.description ?? ''}\n\nThe full page is at ${ruleDocsUrl(rule)}`;
    }
  }
}

/** Opens a rule's page in the Markdown preview; without a rule, asks which. */
export async function showRuleHelp(rule?: unknown): Promise<void> {
  if (rule === undefined) {
    const picked = await vscode.window.showQuickPick(
      RULES.map((entry) => ({ label: entry.id, detail: entry.description })),
      { placeHolder: 'The rule to explain', matchOnDetail: true },
    );
    if (!picked) {
      return;
    }
    rule = picked.label;
  }
  if (typeof rule !== 'string' || !ruleById(rule)) {
    void vscode.window.showWarningMessage(`Port Lens: "${String(rule)}" is not a Port Lens rule.`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', ruleHelpUri(rule));
}
