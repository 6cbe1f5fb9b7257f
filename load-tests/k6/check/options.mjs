// Prints, as one JSON object, the options (scenarios, thresholds) each k6 script in ../ builds from scenarios.json:
// evaluated by Node with k6's modules stubbed (k6-stub.mjs) and k6's init-context globals (open, __ENV) provided.
// The Java test K6ScriptsTest compares them with what the Java harness derives from the same file.
import { register } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const scripts = join(dirname(fileURLToPath(import.meta.url)), '..');
register('./k6-loader.mjs', import.meta.url);
// k6's open() reads a file relative to the script; every script and scenarios.json share one folder.
globalThis.open = (file) => readFileSync(join(scripts, file), 'utf8');
globalThis.__ENV = {};

const result = {};
for (const file of readdirSync(scripts).filter((f) => f.endsWith('.js') && f !== 'scenarios.js').sort()) {
  const module = await import(pathToFileURL(join(scripts, file)).href);
  result[file] = module.options;
}
console.log(JSON.stringify(result, null, 2));
