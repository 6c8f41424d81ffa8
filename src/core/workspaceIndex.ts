import type { FileFormat, PortReference, Protocol } from './types';
import { softwareEvidence } from './rules/softwareEvidence';
import type { SoftwareEvidence } from './rules/softwareEvidence';
import type { WiringFacts } from './wiring/facts';
import { portProtocolKey } from './ports/knowledgeBase';
import { LineIndex } from './text';

/** One port reference in one workspace file, with its 0-based position for navigation. */
export interface Occurrence {
  readonly file: string;
  readonly format: FileFormat;
  readonly reference: PortReference;
  readonly line: number;
  readonly character: number;
  readonly endLine: number;
  readonly endCharacter: number;
  /** The referenced text as written, for labels. */
  readonly text: string;
  /** What the file says runs behind the port, so the sidebar grades it as the rule does, with the settings of the moment. */
  readonly evidence: SoftwareEvidence;
}

/** Occurrences of one port (or range) and protocol across the workspace. */
export interface PortGroup {
  readonly key: string;
  readonly port: number;
  readonly endPort: number;
  readonly protocol: Protocol;
  readonly occurrences: readonly Occurrence[];
}

export interface FileGroup {
  readonly file: string;
  readonly format: FileFormat;
  readonly occurrences: readonly Occurrence[];
}

/** The port that matters for grouping: the host side of a mapping when it has one, since that is what collides and what the world sees. */
function groupingPort(reference: PortReference): { port: number; endPort: number } | undefined {
  if (reference.role === 'publish' && reference.hostPort !== undefined && reference.hostPort !== null) {
    return { port: reference.hostPort, endPort: reference.hostPortEnd ?? reference.hostPort };
  }
  if (reference.port === null) {
    return undefined;
  }
  return { port: reference.port, endPort: reference.endPort ?? reference.port };
}

interface GroupBuilder {
  key: string;
  port: number;
  endPort: number;
  protocol: Protocol;
  occurrences: Occurrence[];
}

/** `8080/tcp`, `8000-8010/udp`: a group's key, as the view shows and finds it. */
function groupKey(port: number, endPort: number, protocol: Protocol): string {
  return `${port === endPort ? port : `${port}-${endPort}`}/${protocol}`;
}

/**
 * Every port reference found in the workspace, kept per file so a save, create or delete
 * updates one entry instead of rescanning everything.
 */
export class WorkspacePortIndex {
  private readonly files = new Map<string, FileGroup>();
  private version = 0;

  /** Replaces what is known about one file. `text` is needed to turn offsets into lines. */
  setFile(file: string, format: FileFormat, text: string, references: readonly PortReference[], wiring?: WiringFacts): void {
    const lines = new LineIndex(text);
    const occurrences = references.map((reference): Occurrence => {
      const start = lines.positionAt(reference.range.start);
      const end = lines.positionAt(reference.range.end);
      const evidence = softwareEvidence(reference, format, wiring);
      return {
        file,
        format,
        reference,
        evidence,
        line: start.line,
        character: start.character,
        endLine: end.line,
        endCharacter: end.character,
        text: text.slice(reference.range.start, Math.min(reference.range.end, reference.range.start + 80)),
      };
    });
    if (occurrences.length === 0) {
      this.files.delete(file);
    } else {
      this.files.set(file, { file, format, occurrences });
    }
    this.version++;
  }

  deleteFile(file: string): void {
    if (this.files.delete(file)) {
      this.version++;
    }
  }

  clear(): void {
    this.files.clear();
    this.version++;
  }

  /** Increments on every change; lets views skip work when nothing changed. */
  get changeCount(): number {
    return this.version;
  }

  get fileCount(): number {
    return this.files.size;
  }

  byFile(): FileGroup[] {
    return [...this.files.values()].sort((a, b) => a.file.localeCompare(b.file));
  }

  byPort(): PortGroup[] {
    // Runs on the UI thread for every refresh of the view, over tens of thousands of groups in a
    // big workspace. So: file names are collated once (what `localeCompare` does, with one
    // collator) and files visited in that order, leaving each group nearly sorted already; and
    // a single port's group is found by a small number, not a string made per occurrence.
    const compareText = new Intl.Collator().compare;
    const fileGroups = [...this.files.values()].sort((a, b) => compareText(a.file, b.file));
    const rank = new Map<string, number>();
    fileGroups.forEach(({ file }, index) => {
      const previous = fileGroups[index - 1]?.file;
      rank.set(file, previous !== undefined && compareText(previous, file) === 0 ? (rank.get(previous) as number) : index);
    });
    const singles = new Map<number, GroupBuilder>();
    const others = new Map<string, GroupBuilder>();
    const ordered: GroupBuilder[] = [];
    for (const fileGroup of fileGroups) {
      for (const occurrence of fileGroup.occurrences) {
        const ports = groupingPort(occurrence.reference);
        if (!ports) {
          continue;
        }
        const { port, endPort } = ports;
        const protocol = occurrence.reference.protocol;
        const numberKey = port === endPort ? portProtocolKey(port, protocol) : undefined;
        const single = numberKey !== undefined;
        const textKey = single ? '' : groupKey(port, endPort, protocol);
        const group = single ? singles.get(numberKey) : others.get(textKey);
        if (group) {
          group.occurrences.push(occurrence);
          continue;
        }
        const created: GroupBuilder = { key: textKey || groupKey(port, endPort, protocol), port, endPort, protocol, occurrences: [occurrence] };
        if (single) {
          singles.set(numberKey, created);
        } else {
          others.set(textKey, created);
        }
        ordered.push(created);
      }
    }
    // Every occurrence's file is a key of `files`, so it has a rank.
    const rankOf = (file: string): number => rank.get(file) as number;
    for (const group of ordered) {
      if (group.occurrences.length > 1) {
        group.occurrences.sort((a, b) => rankOf(a.file) - rankOf(b.file) || a.line - b.line);
      }
    }
    return ordered.sort((a, b) => a.port - b.port || a.endPort - b.endPort || compareText(a.protocol, b.protocol));
  }

  /** Occurrences of a port, for revealing it from a hover. */
  occurrencesOf(port: number): Occurrence[] {
    return this.byPort()
      .filter((group) => port >= group.port && port <= group.endPort)
      .flatMap((group) => [...group.occurrences]);
  }
}
