// Bundles the extension and vscode-languageclient into one file, dist/extension.js, so the
// .vsix carries no node_modules. `vscode` is provided by the editor at run time.
import * as esbuild from 'esbuild';

await esbuild.build({
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    minify: true,
    sourcemap: 'linked',
    logLevel: 'warning',
});

// The unit tests run under plain node: bundled the same way, without `vscode`.
if (process.argv.includes('--tests')) {
    await esbuild.build({
        entryPoints: ['test/unit/settings.test.ts'],
        outdir: 'out/unit',
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        external: ['vscode'],
        logLevel: 'warning',
    });
}
