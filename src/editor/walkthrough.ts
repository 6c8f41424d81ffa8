/**
 * The "Get started with Port Lens" walkthrough's buttons: each opens a small sample as an untitled
 * document, so the steps work in any workspace, or none.
 */
import * as vscode from 'vscode';
import { Commands } from './config';

export const WALKTHROUGH_ID = 'port-lens.port-lens#portLens.gettingStarted';

interface Sample {
  readonly language: string;
  readonly content: string;
}

const SAMPLES: Readonly<Record<string, Sample>> = {
  compose: {
    language: 'dockercompose',
    content: [
      '# Hover a port to see what runs there, what IANA registered, and the risk of exposing it.',
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    ports:',
      '      - "8080:80"',
      '  db:',
      '    image: postgres:16',
      '    ports:',
      '      - "5432:5432"     # published on every interface: see the Problems panel',
      '  cache:',
      '    image: redis:7',
      '    ports:',
      '      - "127.0.0.1:6379:6379"',
      '',
    ].join('\n'),
  },
  firewall: {
    language: 'shellscript',
    content: [
      '#!/bin/sh',
      '# Firewall rules say which ports the world can reach: hover each one.',
      'ufw default deny incoming',
      'ufw allow 443/tcp',
      'ufw allow 2375/tcp     # the Docker API without TLS: see the Problems panel',
      'ufw allow from 10.0.0.0/8 to any port 5432 proto tcp',
      '',
    ].join('\n'),
  },
};

/** Opens a sample by name as an untitled document beside nothing else. */
async function openSample(name: unknown): Promise<void> {
  const sample = typeof name === 'string' ? SAMPLES[name] : undefined;
  const chosen = sample ?? SAMPLES.compose;
  const document = await vscode.workspace.openTextDocument({ language: chosen.language, content: chosen.content });
  await vscode.window.showTextDocument(document);
}

export function registerWalkthrough(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.openSample, openSample),
    vscode.commands.registerCommand(Commands.getStarted, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
  ];
}
