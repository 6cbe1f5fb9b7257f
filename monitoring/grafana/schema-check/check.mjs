// Writes each dashboard as a TypeScript object literal typed as Grafana's Dashboard, then type-checks them all.
// Object literals are checked strictly: an unknown field, a wrong type or a value outside an enum is an error.
// The schema's enums are TypeScript string enums, which JSON strings can never be; Json<T> turns each enum into
// the union of its string values, so "absolute" is accepted for ThresholdsMode and "absolut" is not.
import { readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const dir = new URL('../dashboards/', import.meta.url);
const out = new URL('./generated/', import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
for (const file of files) {
  const json = readFileSync(new URL(file, dir), 'utf8');
  writeFileSync(new URL(file.replace('.json', '.ts'), out),
    `import type { Dashboard } from '@grafana/schema';\n`
    + 'type Json<T> = T extends string ? (string extends T ? string : `${T}`)\n'
    + '  : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;\n'
    + `export const dashboard: Json<Dashboard> = ${json};\n`);
}
execFileSync('npx', ['tsc', '--noEmit', '--strict', '--skipLibCheck', '--moduleResolution', 'bundler', '--module', 'esnext',
  '--target', 'es2022', ...files.map((f) => `generated/${f.replace('.json', '.ts')}`)], { stdio: 'inherit', cwd: new URL('.', import.meta.url) });
console.log(`[dashboards] ${files.length} dashboards match Grafana's dashboard schema`);
