/**
 * Indonesia's zones are answered from constants, without Intl (whose first
 * use costs a tenth of an operator's command): the constants must be what
 * Intl says, at every instant they are used for.
 */
import { describe, expect, it } from 'vitest';
import { FIXED_ZONES, intlOffsetAt, offsetAt } from '../../engine/calendar/zone-offset.js';

const DAY = 86_400_000;

describe.each(Object.keys(FIXED_ZONES))('Given the zone %s', (zone) => {
  const since = FIXED_ZONES[zone]![1];

  it('then the constant offset equals what Intl gives, every 10 days from 1988 to 2060', () => {
    for (let t = since; t < Date.UTC(2060, 0, 1); t += 10 * DAY + 3_723_000) {
      expect(offsetAt(zone, t), new Date(t).toISOString()).toBe(intlOffsetAt(zone, t));
    }
  });

  it('then before the reform Intl answers (the constant is not used)', () => {
    const t = Date.UTC(1960, 5, 1);
    expect(offsetAt(zone, t)).toBe(intlOffsetAt(zone, t));
  });
});

describe('Given a zone with daylight saving time (Europe/Amsterdam)', () => {
  it('then Intl answers: winter +1 h, summer +2 h', () => {
    expect(offsetAt('Europe/Amsterdam', Date.UTC(2026, 0, 15))).toBe(3_600_000);
    expect(offsetAt('Europe/Amsterdam', Date.UTC(2026, 6, 15))).toBe(7_200_000);
  });
});
