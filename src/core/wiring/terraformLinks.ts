/**
 * A Terraform module is a folder: a rule in `main.tf` may take its port from a `variable` whose
 * default sits in `variables.tf`. The scanner leaves such a port unresolved, since it reads one
 * file; here the folder's variables resolve it, and the per-file rules judge the resolved rule.
 */
import type { PortReference } from '../types';
import type { TerraformVariable } from './facts';
import type { GroupLinks, LinkContext } from './links';
import { LinkBuilder, rejudge } from './links';
import { resolvePath } from './paths';

/** Rules that judge what a rule opens; the others have nothing to add once the port is known. */
const EXPOSURE_RULES: ReadonlySet<string> = new Set(['sensitive-port-exposed', 'wide-port-range', 'privileged-port', 'plaintext-protocol']);

const CONVENTIONAL_VARIABLES_FILE = 'variables.tf';

/** A variable's default as one port number; lists and text other than digits do not resolve. */
function portOf(variable: TerraformVariable | undefined): number | undefined {
  const value = variable?.value;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? value : undefined;
  }
  if (typeof value === 'string' && /^\d{1,5}$/.test(value.trim())) {
    return Number(value.trim());
  }
  return undefined;
}

export function linkTerraformModule(model: LinkContext, key: string, members: ReadonlySet<string>, serial: number): GroupLinks {
  const builder = new LinkBuilder(serial);
  const files = [...members].sort();
  // Terraform refuses a variable declared twice in one module; the first file's default is kept.
  const variables = new Map<string, { variable: TerraformVariable; fileName: string }>();
  for (const fileName of files) {
    builder.reads.add(fileName);
    for (const variable of model.file(fileName)?.analysis.wiring?.terraform?.variables ?? []) {
      if (!variables.has(variable.name)) {
        variables.set(variable.name, { variable, fileName });
      }
    }
  }
  for (const fileName of files) {
    const entry = model.file(fileName);
    const pending = entry?.analysis.wiring?.terraform?.variablePorts ?? [];
    for (const { reference, variable, endVariable } of pending) {
      const first = variables.get(variable);
      if (!first) {
        // Where Terraform's convention keeps them: the editor and the command line read it if it exists.
        builder.readAs(resolvePath(key.slice('terraform:'.length), CONVENTIONAL_VARIABLES_FILE) ?? CONVENTIONAL_VARIABLES_FILE, 'terraform');
      }
      const last = endVariable === undefined ? first : variables.get(endVariable);
      const port = portOf(first?.variable);
      const endPort = portOf(last?.variable);
      if (!entry || !first || !last || port === undefined || endPort === undefined || port > endPort || endPort > 65535) {
        continue;
      }
      const resolved: PortReference = { ...reference, port, endPort };
      const said = endVariable === undefined || endVariable === variable
        ? `var.${variable} is ${port} in ${model.where(first.fileName, first.variable.range, fileName)}`
        : `var.${variable} is ${port} and var.${endVariable} is ${endPort} in ${model.where(first.fileName, first.variable.range, fileName)}`;
      const related = [{ message: `default of var.${variable}`, range: first.variable.range, fileName: first.fileName }];
      for (const diagnostic of rejudge(model, entry, [resolved], undefined, EXPOSURE_RULES)) {
        builder.report(fileName, { ...diagnostic, message: `${diagnostic.message} (${said})`, related: [...(diagnostic.related ?? []), ...related] });
      }
    }
  }
  return builder.build();
}
