#!/usr/bin/env node
// Entry point of the `arca` command. The sources are TypeScript run by Node's type stripping,
// which needs Node.js 24; say so plainly instead of failing on the first type annotation.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `arca needs Node.js 24 or newer; this is ${process.version}.\n` +
      'Run it through npm (npx arca, npm start) so that the Node.js pinned in package.json is used.\n',
  );
  process.exit(2);
}
await import('../src/main.ts');
