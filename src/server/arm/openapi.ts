import type { ArmRouteSpec } from './arm-route.ts';

interface Registered {
  readonly method: string;
  readonly url: string;
  readonly summary: string;
  readonly action: string;
  readonly apiVersions: readonly string[];
  readonly requestBody?: object;
  readonly responses?: Readonly<Record<string, string>>;
}

/** `:name` → `{name}` as OpenAPI writes path parameters. */
function openApiPath(url: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

/**
 * Every ARM-shaped route registers itself here, so the OpenAPI document served at
 * /arca/openapi.json is made from the routes that exist and cannot drift from them.
 */
export class ArmRouteRegistry {
  readonly #routes: Registered[] = [];

  add(spec: ArmRouteSpec<unknown>): void {
    this.#routes.push({
      method: spec.method,
      url: spec.url,
      summary: spec.summary,
      action: spec.action,
      apiVersions: spec.apiVersions,
      ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
      ...(spec.responses ? { responses: spec.responses } : {}),
    });
  }

  get routes(): readonly Registered[] {
    return this.#routes;
  }

  document(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.#routes) {
      const { path, params } = openApiPath(route.url);
      const responses: Record<string, object> = Object.fromEntries(
        Object.entries(route.responses ?? { '200': 'OK' }).map(([status, description]) => [status, { description }]),
      );
      responses.default = { description: 'ARM error envelope with a catalog code', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };
      (paths[path] ??= {})[route.method.toLowerCase()] = {
        summary: route.summary,
        description: `Needs the \`${route.action}\` permission.`,
        parameters: [
          ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          { name: 'api-version', in: 'query', required: true, schema: { type: 'string', enum: route.apiVersions } },
        ],
        ...(route.requestBody ? { requestBody: { required: true, content: { 'application/json': { schema: route.requestBody } } } } : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Arca vault API (Azure Resource Manager shaped)', version },
      servers: [{ url: '/' }],
      security: [{ bearer: [] }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: {
          ErrorResponse: {
            type: 'object',
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: { code: { type: 'string' }, message: { type: 'string' }, target: { type: 'string' }, details: { type: 'array' }, additionalInfo: { type: 'array' } },
              },
            },
          },
        },
      },
      paths,
    };
  }
}
