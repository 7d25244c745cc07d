import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidTimeZone, resolveTimeZone, windowsToIana } from './time-zone.ts';
import { WINDOWS_TIME_ZONES } from './windows-zones.ts';

const canonical = (zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;

describe('resolveTimeZone', () => {
  const windows = [
    ['UTC', 'Etc/UTC'],
    ['GMT Standard Time', 'Europe/London'],
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['Romance Standard Time', 'Europe/Paris'],
    ['Central Europe Standard Time', 'Europe/Budapest'],
    ['Central European Standard Time', 'Europe/Warsaw'],
    ['E. Europe Standard Time', 'Europe/Chisinau'],
    ['FLE Standard Time', 'Europe/Kyiv'],
    ['GTB Standard Time', 'Europe/Bucharest'],
    ['Russian Standard Time', 'Europe/Moscow'],
    ['Turkey Standard Time', 'Europe/Istanbul'],
    ['Israel Standard Time', 'Asia/Jerusalem'],
    ['Egypt Standard Time', 'Africa/Cairo'],
    ['South Africa Standard Time', 'Africa/Johannesburg'],
    ['Arabian Standard Time', 'Asia/Dubai'],
    ['Arab Standard Time', 'Asia/Riyadh'],
    ['Arabic Standard Time', 'Asia/Baghdad'],
    ['India Standard Time', 'Asia/Kolkata'],
    ['Nepal Standard Time', 'Asia/Kathmandu'],
    ['China Standard Time', 'Asia/Shanghai'],
    ['Singapore Standard Time', 'Asia/Singapore'],
    ['SE Asia Standard Time', 'Asia/Bangkok'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
    ['Korea Standard Time', 'Asia/Seoul'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['New Zealand Standard Time', 'Pacific/Auckland'],
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['Mountain Standard Time', 'America/Denver'],
    ['US Mountain Standard Time', 'America/Phoenix'],
    ['Central Standard Time', 'America/Chicago'],
    ['Eastern Standard Time', 'America/New_York'],
    ['US Eastern Standard Time', 'America/Indiana/Indianapolis'],
    ['Atlantic Standard Time', 'America/Halifax'],
    ['Alaskan Standard Time', 'America/Anchorage'],
    ['Hawaiian Standard Time', 'Pacific/Honolulu'],
    ['SA Pacific Standard Time', 'America/Bogota'],
    ['E. South America Standard Time', 'America/Sao_Paulo'],
    ['Argentina Standard Time', 'America/Argentina/Buenos_Aires'],
    ['Central Standard Time (Mexico)', 'America/Mexico_City'],
    ['Pacific Standard Time (Mexico)', 'America/Tijuana'],
    ['Dateline Standard Time', 'Etc/GMT+12'],
    ['UTC+12', 'Etc/GMT-12'],
  ] as const;
  for (const [name, iana] of windows) {
    test(`the Windows id "${name}" maps to ${iana}`, () => assert.equal(resolveTimeZone(name), iana));
  }

  const spellings = [
    { name: 'Windows ids are matched without regard to case', input: 'pacific STANDARD time', expected: 'America/Los_Angeles' },
    { name: 'surrounding spaces are ignored', input: '  Romance Standard Time ', expected: 'Europe/Paris' },
    { name: 'an IANA name is returned as written', input: 'Europe/Madrid', expected: 'Europe/Madrid' },
    { name: 'an IANA name in the wrong case gets its canonical case', input: 'america/argentina/buenos_aires', expected: 'America/Argentina/Buenos_Aires' },
    { name: 'a current IANA name is not turned into the old ICU alias', input: 'Asia/Kolkata', expected: 'Asia/Kolkata' },
    { name: 'an old IANA alias that is still in the zone list stays as written', input: 'asia/calcutta', expected: 'Asia/Calcutta' },
    { name: 'an alias outside the zone list resolves to the zone Intl gives', input: 'US/Pacific', expected: 'America/Los_Angeles' },
    { name: 'Etc/GMT zones keep their inverted sign', input: 'etc/gmt+5', expected: 'Etc/GMT+5' },
  ];
  for (const { name, input, expected } of spellings) {
    test(name, () => assert.equal(resolveTimeZone(input), expected));
  }

  const unknown = ['Mars/Olympus_Mons', 'Pacific Standard', '+01:00', '', 'Europe/../Madrid', 'Central Time'];
  for (const input of unknown) {
    test(`"${input}" is refused with UserErrorInvalidTimeZone naming it`, () => {
      assert.throws(() => resolveTimeZone(input), { name: 'ArcaError', code: 'UserErrorInvalidTimeZone', params: { timeZone: input } });
      assert.equal(isValidTimeZone(input), false);
    });
  }

  test('windowsToIana answers only for Windows ids', () => {
    assert.equal(windowsToIana('tokyo standard time'), 'Asia/Tokyo');
    assert.equal(windowsToIana('Asia/Tokyo'), undefined);
  });
});

describe('the Windows table', () => {
  // CLDR writes a few zones with the names ICU still uses; the table stores current IANA names.
  const cldrSpelling: Readonly<Record<string, string>> = {
    'US Eastern Standard Time': 'America/Indianapolis',
    'Argentina Standard Time': 'America/Buenos_Aires',
    'Greenland Standard Time': 'America/Godthab',
    'FLE Standard Time': 'Europe/Kiev',
    'India Standard Time': 'Asia/Calcutta',
    'Nepal Standard Time': 'Asia/Katmandu',
    'Myanmar Standard Time': 'Asia/Rangoon',
  };

  test('covers well over the sixty most common Windows ids', () => {
    assert.ok(Object.keys(WINDOWS_TIME_ZONES).length >= 130, `only ${Object.keys(WINDOWS_TIME_ZONES).length} ids`);
  });

  test('every target is a zone Intl knows', () => {
    const refused = Object.values(WINDOWS_TIME_ZONES).filter((zone) => {
      try {
        canonical(zone);
        return false;
      } catch {
        return true;
      }
    });
    assert.deepEqual(refused, []);
  });

  test('each renamed target is the same zone as the name CLDR uses', () => {
    for (const [windows, cldr] of Object.entries(cldrSpelling)) {
      const ours = WINDOWS_TIME_ZONES[windows];
      assert.ok(ours !== undefined && ours !== cldr, `${windows} should be stored under its current name`);
      assert.equal(canonical(ours), canonical(cldr), windows);
    }
  });

  test('no two Windows ids differ only by case', () => {
    const keys = Object.keys(WINDOWS_TIME_ZONES).map((key) => key.toLowerCase());
    assert.equal(new Set(keys).size, keys.length);
  });
});
