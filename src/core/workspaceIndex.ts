import type { FileFormat, PortReference, Protocol } from './types';
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

/**
 * Every port reference found in the workspace, kept per file so a save, create or delete
 * updates one entry instead of rescanning everything.
 */
export class WorkspacePortIndex {
  private readonly files = new Map<string, FileGroup>();
  private version = 0;

  /** Replaces what is known about one file. `text` is needed to turn offsets into lines. */
  setFile(file: string, format: FileFormat, text: string, references: readonly PortReference[]): void {
    const lines = new LineIndex(text);
    const occurrences = references.map((reference): Occurrence => {
      const start = lines.positionAt(reference.range.start);
      const end = lines.positionAt(reference.range.end);
      return {
        file,
        format,
        reference,
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
    const groups = new Map<string, { port: number; endPort: number; protocol: Protocol; occurrences: Occurrence[] }>();
    for (const fileGroup of this.files.values()) {
      for (const occurrence of fileGroup.occurrences) {
        const ports = groupingPort(occurrence.reference);
        if (!ports) {
          continue;
        }
        const key = `${ports.port === ports.endPort ? ports.port : `${ports.port}-${ports.endPort}`}/${occurrence.reference.protocol}`;
        const group = groups.get(key);
        if (group) {
          group.occurrences.push(occurrence);
        } else {
          groups.set(key, { ...ports, protocol: occurrence.reference.protocol, occurrences: [occurrence] });
        }
      }
    }
    return [...groups.entries()]
      .map(([key, group]) => ({
        key,
        ...group,
        occurrences: group.occurrences.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
      }))
      .sort((a, b) => a.port - b.port || a.endPort - b.endPort || a.protocol.localeCompare(b.protocol));
  }

  /** Occurrences of a port, for revealing it from a hover. */
  occurrencesOf(port: number): Occurrence[] {
    return this.byPort()
      .filter((group) => port >= group.port && port <= group.endPort)
      .flatMap((group) => [...group.occurrences]);
  }
}
