/**
 * The data files for the web extension, where there is no disk to read: the bundle carries them
 * as text (see `esbuild.js`). Same exports as `dataFiles.ts`.
 */
import firewalldServices from 'port-lens-data:firewalld-services.json';
import ianaDetails from 'port-lens-data:iana-details.json';
import ianaRows from 'port-lens-data:iana-rows.tsv';
import portData from 'port-lens-data:port-data.json';

const FILES: Readonly<Record<string, string>> = {
  'port-data.json': portData,
  'iana-rows.tsv': ianaRows,
  'iana-details.json': ianaDetails,
  'firewalld-services.json': firewalldServices,
};

export function findDataFile(fileName: string): string {
  return `data/${fileName}`;
}

export function readDataFile(fileName: string): string {
  const text = FILES[fileName];
  if (text === undefined) {
    throw new Error(`Port Lens has no data/${fileName} in the web extension's bundle.`);
  }
  return text;
}
