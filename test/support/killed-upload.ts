import { AGENT_API_VERSION } from '../../src/protocol/index.ts';
import { UPLOAD_PATHS } from '../../src/protocol/upload-channel.ts';
import { HttpBlobStore } from '../../src/storage/blob/http-blob-store.ts';

/**
 * Child process for the killed-upload test: starts streaming an object through the upload channel,
 * says "written" once 8 MiB are on their way, and waits to be killed before it commits.
 */
const { url, ca, token, machineId, key } = JSON.parse(process.argv[2] ?? '{}') as { url: string; ca: string; token: string; machineId: string; key: string };
const store = new HttpBlobStore({ url: `${url}${UPLOAD_PATHS.repository(machineId)}`, ca, token, query: { 'api-version': AGENT_API_VERSION } });
const writer = await store.create(key, { ifNotExists: true });
const piece = new Uint8Array(1 << 20).fill(7);
for (let i = 0; i < 8; i += 1) await writer.write(piece);
process.stdout.write('written\n');
setInterval(() => undefined, 60_000);
