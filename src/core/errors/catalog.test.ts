import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcaError } from './arca-error.ts';
import { LANGUAGES, PHASES } from './catalog-entry.ts';
import { CATALOG, findEntry, SOURCE_ENTRY_COUNT } from './catalog/index.ts';
import { ARCA_NUMERIC_RANGE, AZURE_NUMERIC_CODES, RETIRED_NUMERIC_CODES } from './numbering.ts';
import { fill, pickLanguage, placeholdersOf } from './render.ts';

/** The codes DESIGN.md section 6 names; the last seven are Windows-only. */
const DESIGN_CODES = [
  'UserErrorGuestAgentStatusUnavailable', 'GuestAgentSnapshotTaskStatusError', 'UserErrorVmProvisioningStateFailed',
  'UserErrorRpCollectionLimitReached', 'UserErrorKeyvaultPermissionsNotConfigured', 'ExtensionSnapshotFailedNoNetwork',
  'ExtensionOperationFailedForManagedDisks', 'BackUpOperationFailed', 'BackUpOperationFailedV2', 'UserErrorUnsupportedDiskSize',
  'UserErrorBackupOperationInProgress', 'UserErrorCrpReportedUserError', 'UserErrorBcmDatasourceNotPresent',
  'UserErrorVmNotInDesirableState', 'UserErrorFsFreezeFailed', 'UserErrorUnableToOpenMount', 'ExtensionStuckInDeletionState',
  'ExtensionFailedSnapshotLimitReachedError', 'ExtensionFailedTimeoutVMNetworkUnresponsive', 'UserErrorRequestDisallowedByPolicy',
  'CopyingVHDsFromBackUpVaultTakingLongTime', 'UserErrorBCMPremiumStorageQuotaError', 'UserErrorSkuNotAvailable',
  'UserErrorMarketPlaceVMNotSupported', 'UserErrorInstantRpNotFound', 'ResourceNotFound', 'BCMV2VMNotFound', 'AzureVmOffline',
];
const WINDOWS_CODES = [
  'ExtensionSnapshotFailedCOM', 'ExtensionInstallationFailedCOM', 'ExtensionInstallationFailedMDTC',
  'ExtensionFailedVssWriterInBadState', 'ExtensionFailedVssServiceInBadState', 'ExtensionConfigParsingFailure',
  'ExtensionSnapshotBitlockerError',
];

describe('error catalog', () => {
  it('holds every code DESIGN.md section 6 names', () => {
    const missing = [...DESIGN_CODES, ...WINDOWS_CODES].filter((code) => !CATALOG.some((e) => e.code === code));
    assert.deepEqual(missing, []);
  });

  it('marks the Windows-only codes as such', () => {
    for (const code of WINDOWS_CODES) assert.equal(findEntry(code)?.platform, 'windows', code);
  });

  it('keeps Azure numeric codes where Azure documents them', () => {
    for (const [code, numeric] of Object.entries(AZURE_NUMERIC_CODES)) assert.equal(findEntry(code)?.numericCode, numeric, code);
  });

  it('gives no two codes the same numeric code, nor the same name in another case', () => {
    const numbers = CATALOG.map((e) => e.numericCode);
    assert.equal(new Set(numbers).size, numbers.length, 'numeric codes are unique');
    const names = CATALOG.map((e) => e.code.toLowerCase());
    assert.equal(new Set(names).size, names.length, 'codes are unique regardless of case');
  });

  it('has no code shadowed by a same-named code in another phase file', () => {
    assert.equal(CATALOG.length, SOURCE_ENTRY_COUNT);
  });

  it('numbers every other code from Arca\'s range and never reuses a retired number', () => {
    const azure = new Set(Object.values(AZURE_NUMERIC_CODES));
    for (const entry of CATALOG) {
      assert.ok(!RETIRED_NUMERIC_CODES.includes(entry.numericCode), `${entry.code} reuses retired ${entry.numericCode}`);
      if (azure.has(entry.numericCode)) continue;
      assert.ok(
        entry.numericCode >= ARCA_NUMERIC_RANGE.first && entry.numericCode <= ARCA_NUMERIC_RANGE.last,
        `${entry.code}: ${entry.numericCode} is outside ${ARCA_NUMERIC_RANGE.first}-${ARCA_NUMERIC_RANGE.last}`,
      );
    }
  });

  it('gives each code a valid HTTP status and phase', () => {
    for (const entry of CATALOG) {
      assert.ok(Number.isInteger(entry.httpStatus) && entry.httpStatus >= 400 && entry.httpStatus <= 599, entry.code);
      assert.ok(PHASES.includes(entry.phase), `${entry.code}: phase ${entry.phase}`);
      assert.match(entry.code, /^[A-Za-z][A-Za-z0-9]+$/, entry.code);
    }
  });

  it('has a title, a message and numbered steps in both languages for every code', () => {
    for (const entry of CATALOG) {
      for (const language of LANGUAGES) {
        const text = entry[language];
        assert.ok(text, `${entry.code} lacks ${language}`);
        assert.ok(text.title.trim().length > 3, `${entry.code}/${language}: title`);
        assert.ok(text.message.trim().length > 10, `${entry.code}/${language}: message`);
        assert.ok(text.recommendations.length >= 1, `${entry.code}/${language}: at least one step`);
        for (const step of text.recommendations) {
          assert.ok(step.trim().length > 5, `${entry.code}/${language}: empty step`);
          assert.doesNotMatch(step, /^\s*\d+[.)]/, `${entry.code}/${language}: steps are numbered when rendered, not in the text`);
        }
      }
      assert.notEqual(entry.es.message, entry.en.message, `${entry.code}: the Spanish message is not translated`);
      assert.equal(entry.es.recommendations.length, entry.en.recommendations.length, `${entry.code}: same number of steps in both languages`);
    }
  });

  it('uses the same message parameters in English and Spanish', () => {
    for (const entry of CATALOG) {
      assert.deepEqual(placeholdersOf(entry.es).toSorted(), placeholdersOf(entry.en).toSorted(), entry.code);
    }
  });

  it('does not send people to the Azure portal', () => {
    for (const entry of CATALOG) {
      for (const language of LANGUAGES) {
        const all = [entry[language].message, ...entry[language].recommendations].join(' ');
        assert.doesNotMatch(all, /Azure Portal|portal\.azure\.com|services\.msc|go\.microsoft\.com/i, `${entry.code}/${language}`);
      }
    }
  });
});

describe('rendering', () => {
  it('fills named parameters and leaves unknown ones visible', () => {
    assert.equal(fill('VM {vmName} has {count} points, {missing}', { vmName: 'web-1', count: 18 }), 'VM web-1 has 18 points, {missing}');
  });

  it('renders an ArcaError in the language asked for', () => {
    const error = new ArcaError('UserErrorInvalidTimeZone', { timeZone: 'Mars/Olympus' });
    assert.match(error.message, /Mars\/Olympus/);
    assert.match(error.render('es').message, /No se reconoce la zona horaria Mars\/Olympus/);
    assert.equal(error.httpStatus, 400);
    assert.equal(error.retryable, false);
  });

  const languages: [string | undefined, 'en' | 'es'][] = [
    [undefined, 'en'],
    ['es-ES,es;q=0.9,en;q=0.8', 'es'],
    ['fr-FR, es;q=0.5', 'es'],
    ['en-US,es;q=0.9', 'en'],
    ['es;q=0.2, en;q=0.8', 'en'],
    ['de', 'en'],
    ['es;q=0', 'en'],
  ];
  for (const [header, expected] of languages) {
    it(`picks ${expected} for Accept-Language "${header ?? '(none)'}"`, () => assert.equal(pickLanguage(header), expected));
  }
});
