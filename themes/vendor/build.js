// Bundle entry.js (Tiptap from node_modules, at the versions in package-lock.json) into one
// file a browser loads with a plain <script>, and collect the licences of what went into it.
// Run by scripts/bootstrap after `npm ci`; the output, build/, is not committed.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "build");
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [join(here, "entry.js")],
  bundle: true,
  format: "iife",
  globalName: "GovsitesTiptap",
  minify: true,
  // Staff use old Chromium-based browsers (360, QQ) as well as current ones.
  target: "es2019",
  legalComments: "none",
  banner: { js: "/* Tiptap and ProseMirror (MIT), bundled for govsites; licences: tiptap.LICENSES.txt */" },
  metafile: true,
  logLevel: "warning",
  logLimit: 5,
  outfile: join(out, "tiptap.js"),
});

// One licence text per package in the bundle.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (!match || packages.has(match[1])) continue;
  const dir = join(here, match[1].slice(match[1].indexOf("node_modules")));
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licence = readdirSync(dir).find((name) => /^(licen[cs]e|copying)/i.test(name));
  packages.set(match[1], `${meta.name} ${meta.version} (${meta.license})\n\n` +
    (licence ? readFileSync(join(dir, licence), "utf8").trim() : `${meta.license} licence; see ${meta.homepage || meta.name}`));
}
const names = [...packages.keys()].sort();
writeFileSync(join(out, "tiptap.LICENSES.txt"),
  names.map((name) => packages.get(name)).join("\n\n" + "-".repeat(72) + "\n\n") + "\n");
if (!existsSync(join(out, "tiptap.js"))) throw new Error("esbuild wrote no tiptap.js");
console.log(`themes/vendor: build/tiptap.js from ${names.length} packages`);
