import type { FastifyInstance } from 'fastify';
import { invalidArgument, isArcaError, type ArcaError, type Language } from '../../core/errors/index.ts';
import { expectResourceType, parentId, parseResourceId, RESOURCE_TYPES, resourceName, sameResourceId, vaultOf, type ResourceId } from '../../core/ids/index.ts';
import { API_VERSIONS, armRoute, objectBody, objectField, stringField, type ArmDeps } from '../arm/index.ts';
import { canonicalItemId } from '../backup/index.ts';
import { VAULT_PATH } from '../backup/paths.ts';
import { requireVault, type VaultPath } from '../backup/vault-store.ts';
import { restoreFindings } from './restore-checks.ts';
import { readRestoreRequest } from './restore-request.ts';
import { loadRestoreSource } from './restore-source.ts';

const VALIDATE_TYPE = 'ValidateIaasVMRestoreOperationRequest';

/** Azure's ErrorDetail: what the validation found, in the reader's language. */
function result(error: ArcaError, language: Language) {
  const rendered = error.render(language);
  return { code: error.code, message: rendered.message, recommendations: rendered.recommendations };
}

/**
 * The body as the SDK sends it, `{id: <recovery point id>, properties: {objectType, restoreRequest}}`
 * (`objectType` and `restoreRequest` are also read at the top level). `id` is required: nothing
 * else in the request names the protected item.
 */
function readValidateBody(body: unknown): { pointId: ResourceId; restore: Record<string, unknown> } {
  const input = objectBody(body);
  const properties = input.properties === undefined ? input : objectField(input, 'properties');
  const objectType = stringField(properties, 'objectType', 'properties.objectType', { max: 100 });
  if (objectType?.toLowerCase() !== VALIDATE_TYPE.toLowerCase()) throw invalidArgument('properties.objectType', `Arca validates virtual machine restores; it must be ${VALIDATE_TYPE}`);
  const id = stringField(input, 'id', 'id', { max: 2048, required: true }) as string;
  if (properties.restoreRequest === undefined) throw invalidArgument('properties.restoreRequest', 'give the restore request to validate');
  return { pointId: expectResourceType(parseResourceId(id), RESOURCE_TYPES.recoveryPoint), restore: objectField(properties, 'restoreRequest', 'properties.restoreRequest') };
}

/** POST …/vaults/{v}/backupValidateOperation: every finding a restore would be refused with, none when it would start. */
export function registerValidateRoute(app: FastifyInstance, deps: ArmDeps): void {
  armRoute<VaultPath>(app, deps, {
    method: 'POST',
    url: `${VAULT_PATH}/backupValidateOperation`,
    action: 'restore',
    apiVersions: API_VERSIONS.recoveryServicesBackup,
    summary: 'Validate a restore without starting it: lists every problem the restore would be refused for (none: it would start)',
    requestBody: {
      type: 'object',
      required: ['id', 'properties'],
      properties: { id: { type: 'string', description: 'the recovery point id' }, properties: { type: 'object', required: ['objectType', 'restoreRequest'], properties: { objectType: { enum: [VALIDATE_TYPE] }, restoreRequest: { type: 'object' } } } },
    },
    responses: { '200': '{validateOperationResponse: {validationResults: [{code, message, recommendations}]}}' },
    handler: async (request) => {
      const vault = await requireVault(deps.store, request.params);
      const { pointId, restore } = readValidateBody(request.body);
      if (!sameResourceId(vaultOf(pointId), parseResourceId(vault.data.id))) throw invalidArgument('id', `the recovery point must belong to vault ${vault.data.id}`);
      const asked = readRestoreRequest(restore, 'properties.restoreRequest');
      let findings: ArcaError[];
      try {
        const source = await loadRestoreSource(deps.store, vault.data, canonicalItemId(parentId(pointId) as ResourceId), resourceName(pointId));
        findings = await restoreFindings({ store: deps.store, installation: deps.installation, now: request.now }, source, asked);
      } catch (error) {
        if (!isArcaError(error)) throw error;
        findings = [error];
      }
      return { status: 200, body: { validateOperationResponse: { validationResults: findings.map((f) => result(f, request.language)) } } };
    },
  });
}
