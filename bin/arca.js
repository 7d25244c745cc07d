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

// Commands that move disk data allocate and free buffers of several MiB on three threads (reads,
// compressed and sealed chunks, restored blocks). By default glibc returns such blocks to the kernel
// and maps them again, a page fault per 4 KiB each time; keeping them in the heap cuts the system
// time of a restore by about a third and of an incremental backup by about 40 %. glibc reads these
// settings only at start-up, so those commands replace themselves once with them set.
const DATA_PATH_COMMANDS = new Set(['repo']);
if (
  process.platform === 'linux' &&
  DATA_PATH_COMMANDS.has(process.argv[2] ?? '') &&
  process.env['MALLOC_MMAP_THRESHOLD_'] === undefined &&
  typeof process.execve === 'function'
) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    MALLOC_MMAP_THRESHOLD_: String(64 * 1024 * 1024),
    MALLOC_TRIM_THRESHOLD_: String(128 * 1024 * 1024),
  });
}

// Keep V8's compiled code between runs (in the OS temporary folder): start-up of a short command
// is mostly compiling its modules.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

await import('../src/main.ts');
