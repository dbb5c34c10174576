// Unit tests of the settings the extension sends and of the executable lookup; run with
// `npm test` (node's own test runner, no VS Code needed).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Environment, findExecutable, initializationOptions } from '../../src/settings';

function reader(values: Record<string, unknown>) {
    return (key: string) => values[key];
}

test('the defaults send no initialization options', () => {
    const defaults = reader({ path: 'sqlwarden', select: [], ignore: [], defaultSchema: '', variables: {}, configFile: '' });
    assert.deepEqual(initializationOptions(defaults), {});
});

test('every analysis setting is sent under its own name', () => {
    const options = initializationOptions(
        reader({
            path: '/opt/sqlwarden',
            select: ['PRM', ' IMP003 ', ''],
            ignore: ['PRM007'],
            defaultSchema: 'app',
            variables: { AppRole: 'payroll_app', Port: 1433 },
            configFile: '/src/sqlwarden.toml',
            'trace.server': 'verbose',
        }),
    );
    assert.deepEqual(options, {
        select: ['PRM', 'IMP003'],
        ignore: ['PRM007'],
        defaultSchema: 'app',
        variables: { AppRole: 'payroll_app', Port: '1433' },
        configFile: '/src/sqlwarden.toml',
    });
});

test('values of the wrong type are left out', () => {
    const options = initializationOptions(reader({ select: 'PRM', ignore: [3], defaultSchema: 7, variables: ['x'] }));
    assert.deepEqual(options, {});
});

function scratch(): { dir: string; exe: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlwarden-vscode-'));
    const exe = path.join(dir, 'bin', 'sqlwarden');
    fs.mkdirSync(path.dirname(exe));
    fs.writeFileSync(exe, '#!/bin/sh\n');
    fs.chmodSync(exe, 0o755);
    return { dir, exe };
}

function env(PATH: string, home = '/nonexistent'): Environment {
    return { PATH, platform: 'linux', home };
}

test('a bare name is looked up on PATH', () => {
    const { dir, exe } = scratch();
    assert.equal(findExecutable('sqlwarden', [], env(`/nonexistent:${path.dirname(exe)}`)), exe);
    assert.equal(findExecutable('', [], env(path.dirname(exe))), exe);
    assert.equal(findExecutable('sqlwarden', [], env('/nonexistent')), undefined);
    fs.rmSync(dir, { recursive: true });
});

test('paths: absolute, relative to a workspace folder, from home', () => {
    const { dir, exe } = scratch();
    assert.equal(findExecutable(exe, [], env('')), exe);
    assert.equal(findExecutable('bin/sqlwarden', ['/nonexistent', dir], env('')), exe);
    assert.equal(findExecutable('~/bin/sqlwarden', [], env('', dir)), exe);
    assert.equal(findExecutable(path.join(dir, 'missing'), [], env('')), undefined);
    fs.rmSync(dir, { recursive: true });
});

test('a file without the run bit or a folder is not an executable', () => {
    const { dir, exe } = scratch();
    fs.chmodSync(exe, 0o644);
    assert.equal(findExecutable(exe, [], env('')), undefined);
    assert.equal(findExecutable(path.dirname(exe), [], env('')), undefined);
    fs.rmSync(dir, { recursive: true });
});
