// What the extension reads from its settings, kept apart from the `vscode` API so that it
// can be tested under plain node: the server's initialization options and the lookup of
// the `sqlwarden` executable.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Reads one setting of the `sqlwarden` section, as `WorkspaceConfiguration.get` does. */
export type SettingReader = (key: string) => unknown;

/**
 * The `initializationOptions` of `initialize`: the settings that shape the analysis. The
 * server reads the same object later from `workspace/didChangeConfiguration`
 * (`settings.sqlwarden`). Empty settings are left out, so the server falls back to
 * `sqlwarden.toml` and its own defaults.
 */
export interface InitializationOptions {
    select?: string[];
    ignore?: string[];
    defaultSchema?: string;
    variables?: Record<string, string>;
    configFile?: string;
}

export function initializationOptions(read: SettingReader): InitializationOptions {
    const options: InitializationOptions = {};
    const select = stringList(read('select'));
    if (select.length > 0) {
        options.select = select;
    }
    const ignore = stringList(read('ignore'));
    if (ignore.length > 0) {
        options.ignore = ignore;
    }
    const defaultSchema = nonEmptyString(read('defaultSchema'));
    if (defaultSchema !== undefined) {
        options.defaultSchema = defaultSchema;
    }
    const variables = stringMap(read('variables'));
    if (Object.keys(variables).length > 0) {
        options.variables = variables;
    }
    const configFile = nonEmptyString(read('configFile'));
    if (configFile !== undefined) {
        options.configFile = configFile;
    }
    return options;
}

function stringList(value: unknown): string[] {
    if (!Array.isArray(value)) {
        return [];
    }
    return value
        .filter((item): item is string => typeof item === 'string')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
}

function nonEmptyString(value: unknown): string | undefined {
    if (typeof value !== 'string') {
        return undefined;
    }
    const trimmed = value.trim();
    return trimmed.length > 0 ? trimmed : undefined;
}

function stringMap(value: unknown): Record<string, string> {
    const map: Record<string, string> = {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return map;
    }
    for (const [name, item] of Object.entries(value)) {
        // SQLCMD values are text; a number typed into settings.json is meant as its text.
        if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
            map[name] = String(item);
        }
    }
    return map;
}

/** Where to look for the executable; `process`'s values unless a test gives its own. */
export interface Environment {
    PATH?: string;
    PATHEXT?: string;
    platform: NodeJS.Platform;
    home: string;
}

export function processEnvironment(): Environment {
    return {
        PATH: process.env.PATH,
        PATHEXT: process.env.PATHEXT,
        platform: process.platform,
        home: os.homedir(),
    };
}

/**
 * The executable named by `sqlwarden.path`, or `undefined` when there is none. A bare name
 * is looked up on `PATH`; a path may start with `~`, and a relative one is taken from each
 * workspace folder in turn.
 */
export function findExecutable(
    setting: string,
    workspaceFolders: readonly string[],
    env: Environment = processEnvironment(),
): string | undefined {
    let wanted = setting.trim();
    if (wanted.length === 0) {
        wanted = 'sqlwarden';
    }
    if (wanted === '~' || wanted.startsWith('~/') || wanted.startsWith('~\\')) {
        wanted = path.join(env.home, wanted.slice(1));
    }
    const windows = env.platform === 'win32';
    const extensions = windows
        ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((e) => e.length > 0)]
        : [''];
    const hasSeparator = wanted.includes('/') || (windows && wanted.includes('\\'));
    let candidates: string[];
    if (path.isAbsolute(wanted)) {
        candidates = [wanted];
    } else if (hasSeparator) {
        candidates = workspaceFolders.map((folder) => path.join(folder, wanted));
    } else {
        const delimiter = windows ? ';' : ':';
        candidates = (env.PATH ?? '')
            .split(delimiter)
            .filter((dir) => dir.length > 0)
            .map((dir) => path.join(dir, wanted));
    }
    for (const candidate of candidates) {
        for (const extension of extensions) {
            if (isExecutableFile(candidate + extension, windows)) {
                return candidate + extension;
            }
        }
    }
    return undefined;
}

function isExecutableFile(file: string, windows: boolean): boolean {
    try {
        if (!fs.statSync(file).isFile()) {
            return false;
        }
        fs.accessSync(file, windows ? fs.constants.F_OK : fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
