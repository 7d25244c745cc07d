import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateRetention, type RetentionPolicy } from './retention-policy.ts';

const azureExample: RetentionPolicy = {
  weekly: { daysOfTheWeek: ['Monday', 'Wednesday', 'Thursday'], count: 1 },
  monthly: { format: 'Weekly', weeksOfTheMonth: ['First', 'Third'], daysOfTheWeek: ['Wednesday', 'Thursday'], count: 2 },
  yearly: {
    format: 'Weekly',
    monthsOfYear: ['February', 'November'],
    weeksOfTheMonth: ['Fourth'],
    daysOfTheWeek: ['Monday', 'Thursday'],
    count: 4,
  },
};

describe('validateRetention accepts', () => {
  const cases: { name: string; retention: RetentionPolicy }[] = [
    { name: 'the smallest daily rule, 7 days', retention: { daily: { count: 7 } } },
    { name: 'the largest daily rule, 9999 days', retention: { daily: { count: 9999 } } },
    { name: 'Azure\'s documented weekly-schedule example', retention: azureExample },
    { name: 'a monthly rule on the 1st, the 15th and the last day', retention: { monthly: { format: 'Daily', daysOfTheMonth: [1, 15, 'Last'], count: 1188 } } },
    { name: 'a yearly rule on the last day of February for 99 years', retention: { yearly: { format: 'Daily', monthsOfYear: ['February'], daysOfTheMonth: ['Last'], count: 99 } } },
    { name: 'empty lists of the format\'s unused fields', retention: { monthly: { format: 'Daily', daysOfTheMonth: [1], weeksOfTheMonth: [], daysOfTheWeek: [], count: 3 } } },
  ];
  for (const { name, retention } of cases) {
    test(name, () => assert.equal(validateRetention(retention), retention));
  }
});

describe('validateRetention refuses', () => {
  const cases: { name: string; retention: unknown; reason: RegExp }[] = [
    { name: 'a retention with no rule at all', retention: {}, reason: /at least one of daily, weekly, monthly or yearly/ },
    { name: 'daily retention of 6 days', retention: { daily: { count: 6 } }, reason: /daily.count must be a whole number of days from 7 to 9999; got 6/ },
    { name: 'daily retention of 10000 days', retention: { daily: { count: 10000 } }, reason: /from 7 to 9999; got 10000/ },
    { name: 'daily retention of 7.5 days', retention: { daily: { count: 7.5 } }, reason: /got 7.5/ },
    { name: 'weekly retention of 0 weeks', retention: { weekly: { daysOfTheWeek: ['Sunday'], count: 0 } }, reason: /weekly.count .* weeks from 1 to 5163; got 0/ },
    { name: 'weekly retention of 5164 weeks', retention: { weekly: { daysOfTheWeek: ['Sunday'], count: 5164 } }, reason: /from 1 to 5163; got 5164/ },
    { name: 'weekly retention with no days', retention: { weekly: { daysOfTheWeek: [], count: 4 } }, reason: /weekly.daysOfTheWeek must list at least one day of the week/ },
    { name: 'weekly retention naming Sunday twice', retention: { weekly: { daysOfTheWeek: ['Sunday', 'Sunday'], count: 4 } }, reason: /weekly.daysOfTheWeek lists Sunday more than once/ },
    { name: 'weekly retention on "sunday" in lower case', retention: { weekly: { daysOfTheWeek: ['sunday'], count: 4 } }, reason: /has "sunday", which is not a day of the week/ },
    { name: 'monthly retention of 1189 months', retention: { monthly: { format: 'Daily', daysOfTheMonth: [1], count: 1189 } }, reason: /monthly.count .* months from 1 to 1188; got 1189/ },
    { name: 'monthly retention on the 29th', retention: { monthly: { format: 'Daily', daysOfTheMonth: [29], count: 3 } }, reason: /monthly.daysOfTheMonth has 29; days are 1 to 28, or "Last"/ },
    { name: 'monthly retention on day 0', retention: { monthly: { format: 'Daily', daysOfTheMonth: [0], count: 3 } }, reason: /has 0; days are 1 to 28/ },
    { name: 'monthly retention listing Last twice', retention: { monthly: { format: 'Daily', daysOfTheMonth: ['Last', 'Last'], count: 3 } }, reason: /lists Last more than once/ },
    { name: 'monthly format Daily without days', retention: { monthly: { format: 'Daily', count: 3 } }, reason: /monthly.daysOfTheMonth must list at least one day/ },
    { name: 'monthly format Daily with weeks as well', retention: { monthly: { format: 'Daily', daysOfTheMonth: [1], weeksOfTheMonth: ['First'], count: 3 } }, reason: /format Daily picks days with daysOfTheMonth only/ },
    { name: 'monthly format Weekly with dates', retention: { monthly: { format: 'Weekly', daysOfTheMonth: [1], weeksOfTheMonth: ['First'], daysOfTheWeek: ['Sunday'], count: 3 } }, reason: /format Weekly picks days with weeksOfTheMonth and daysOfTheWeek, not daysOfTheMonth/ },
    { name: 'monthly format Weekly without weeks', retention: { monthly: { format: 'Weekly', daysOfTheWeek: ['Sunday'], count: 3 } }, reason: /monthly.weeksOfTheMonth must list at least one week of the month/ },
    { name: 'monthly format Weekly with a fifth week', retention: { monthly: { format: 'Weekly', weeksOfTheMonth: ['Fifth'], daysOfTheWeek: ['Sunday'], count: 3 } }, reason: /has "Fifth", which is not a week of the month/ },
    { name: 'monthly format Weekly without weekdays', retention: { monthly: { format: 'Weekly', weeksOfTheMonth: ['First'], count: 3 } }, reason: /monthly.daysOfTheWeek must list at least one day of the week/ },
    { name: 'a monthly format Azure does not have', retention: { monthly: { format: 'Hourly', count: 3 } }, reason: /monthly.format "Hourly" is not one of Daily, Weekly/ },
    { name: 'yearly retention of 100 years', retention: { yearly: { format: 'Daily', monthsOfYear: ['January'], daysOfTheMonth: [1], count: 100 } }, reason: /yearly.count .* years from 1 to 99; got 100/ },
    { name: 'yearly retention with no months', retention: { yearly: { format: 'Daily', monthsOfYear: [], daysOfTheMonth: [1], count: 1 } }, reason: /yearly.monthsOfYear must list at least one month/ },
    { name: 'yearly retention in "Sept"', retention: { yearly: { format: 'Daily', monthsOfYear: ['Sept'], daysOfTheMonth: [1], count: 1 } }, reason: /has "Sept", which is not a month/ },
  ];
  for (const { name, retention, reason } of cases) {
    test(name, () => {
      assert.throws(() => validateRetention(retention as RetentionPolicy), (error: { code?: string; params?: { reason?: string } }) => {
        assert.equal(error.code, 'UserErrorInvalidRetention');
        assert.match(error.params?.reason ?? '', reason);
        return true;
      });
    });
  }
});
