// The VS Code side of sqlwarden: it starts `sqlwarden server` over stdio and lets
// vscode-languageclient carry diagnostics, hovers and code actions. Every finding, hover
// and fix comes from the server; nothing is analysed here.

import * as readline from 'node:readline';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { findExecutable, initializationOptions } from './settings';

const SECTION = 'sqlwarden';

let client: LanguageClient | undefined;
// A client whose server is about to be replaced: it sends no more settings, which would
// race its own shutdown.
const retiring = new WeakSet<LanguageClient>();
let outputChannel: vscode.LogOutputChannel | undefined;
// Starts and stops are queued, so that a restart issued while the server is still
// starting waits for that start instead of racing it.
let lifecycle: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
    outputChannel = vscode.window.createOutputChannel('sqlwarden', { log: true });
    context.subscriptions.push(outputChannel);
    context.subscriptions.push(
        vscode.commands.registerCommand('sqlwarden.restartServer', () => queue(restart)),
        vscode.workspace.onDidChangeConfiguration((event) => {
            // The other settings reach the running server as
            // workspace/didChangeConfiguration; only another executable needs a new process.
            // This listener runs before the client's own, which was registered later.
            if (event.affectsConfiguration(`${SECTION}.path`)) {
                if (client !== undefined) {
                    retiring.add(client);
                }
                void queue(restart);
            }
        }),
    );
    return queue(start);
}

export function deactivate(): Promise<void> {
    return queue(stop);
}

function queue(step: () => Promise<void>): Promise<void> {
    lifecycle = lifecycle.then(step, step);
    return lifecycle;
}

async function restart(): Promise<void> {
    await stop();
    await start();
}

async function stop(): Promise<void> {
    const running = client;
    client = undefined;
    if (running !== undefined) {
        try {
            await running.dispose();
        } catch (error) {
            outputChannel?.warn(`Stopping the server: ${message(error)}`);
        }
    }
}

async function start(): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const setting = config.get<string>('path', 'sqlwarden');
    const folders = (vscode.workspace.workspaceFolders ?? [])
        .filter((folder) => folder.uri.scheme === 'file')
        .map((folder) => folder.uri.fsPath);
    const command = findExecutable(setting, folders);
    if (command === undefined) {
        const shown = setting.trim() || 'sqlwarden';
        const where = shown.includes('/') || shown.includes('\\') ? '' : ' on PATH';
        void showError(
            `sqlwarden: the language server executable "${shown}" was not found${where}. ` +
                'Install sqlwarden, or set the setting "sqlwarden.path" to the sqlwarden executable.',
        );
        return;
    }

    const serverOptions: ServerOptions = {
        command,
        // No `transport`: with TransportKind.stdio the client would append `--stdio`.
        args: ['server'],
        options: { cwd: folders[0] },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            { scheme: 'file', language: 'sql' },
            { scheme: 'file', pattern: '**/*.sql' },
            // The C# of SQLCLR assemblies gets the CLS findings.
            { scheme: 'file', pattern: '**/*.cs' },
        ],
        initializationOptions: initializationOptions((key) => config.get(key)),
        synchronize: {
            configurationSection: SECTION,
        },
        outputChannel,
        middleware: {
            workspace: {
                didChangeConfiguration: (sections, next) =>
                    retiring.has(created) ? Promise.resolve() : next(sections),
            },
        },
        // The server logs on stderr, each line with its own level; the client's default
        // would mark every line as an error.
        stdioOptions: {
            stdout: (input, channel) => forwardLines(input, (line) => channel.info(line)),
            stderr: (input, channel) => forwardLines(input, (line) => channel.appendLine(line)),
        },
    };
    const created = new LanguageClient(SECTION, 'sqlwarden', serverOptions, clientOptions);
    client = created;
    outputChannel?.info(`Starting ${command} server`);
    try {
        await created.start();
    } catch (error) {
        void showError(`sqlwarden: the language server (${command} server) could not start: ${message(error)}`);
    }
}

async function showError(text: string): Promise<void> {
    outputChannel?.error(text);
    const openSettings = 'Open Settings';
    const choice = await vscode.window.showErrorMessage(text, openSettings);
    if (choice === openSettings) {
        await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.path`);
    }
}

function forwardLines(input: NodeJS.ReadableStream, write: (line: string) => void): void {
    readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', write);
}

function message(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
