import { Command } from 'commander';
import { ResourceApi } from '../../client/resource-api.ts';
import { isArcaError, type Language } from '../../core/errors/index.ts';
import { ARCA_VERSION } from '../../platform/version.ts';
import { openSession, withTarget } from '../context/session.ts';
import { outputContext, printJson } from '../output.ts';
import { keyValues } from '../render/key-values.ts';

type ServerVersion = { context: string; url: string; version: string } | { context?: string; url?: string; error: { code: string; message: string } };

/** The server's version through the current context; undefined when no context is signed in; an error it met otherwise, never thrown. */
async function serverVersion(command: Command, language: Language): Promise<ServerVersion | undefined> {
  let where: { context?: string; url?: string } = {};
  try {
    const session = await openSession(command);
    where = { context: session.contextName, url: session.context.server };
    const health = await new ResourceApi(session.api.arm).health();
    return { context: session.contextName, url: session.context.server, version: health.version };
  } catch (error) {
    if (isArcaError(error) && error.code === 'CliNotSignedIn') return undefined;
    if (isArcaError(error)) return { ...where, error: { code: error.code, message: error.render(language).message } };
    return { ...where, error: { code: 'Error', message: error instanceof Error ? error.message : String(error) } };
  }
}

/** `arca version`: this program's version and, when a context is signed in, its server's; a server out of reach is reported, not a failure. */
export function versionCommand(): Command {
  return withTarget(new Command('version'), { vault: false })
    .description("show the versions of arca and of the current context's server")
    .addHelpText('after', '\nExamples:\n  arca version\n  arca version --context lab -o json\n')
    .action(async function (this: Command) {
      const out = outputContext(this);
      const server = await serverVersion(this, out.language);
      const client = { version: ARCA_VERSION, node: process.versions.node };
      if (out.format === 'json') return printJson(out, { client, ...(server ? { server } : {}) });
      const serverLine = server === undefined ? 'not signed in' : 'version' in server ? `${server.version} (${server.url}, context ${server.context})` : `unknown: ${server.error.code}: ${server.error.message}`;
      out.write(keyValues([['arca', ARCA_VERSION], ['node', process.versions.node], ['server', serverLine]]));
    });
}
