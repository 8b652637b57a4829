/**
 * The SDK's Event type lists exactly the collector's wire fields (schema/events.ts EVENT_SPECS):
 * checked by the type checker (keys both ways) and here at run time, through an event that must
 * hold every field of Event and nothing else.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Event } from '../../src/client/index.ts';
import { EVENT_SPECS, type EventFieldName } from '../../src/schema/events.ts';

/** Required<Event>: leaving a field out fails to compile, and so does a field Event lacks. */
const EVERY_FIELD: Required<Event> = {
  timestamp: 0,
  anonymous_id: '',
  user_id: '',
  event: '',
  url: '',
  referrer: '',
  utm_source: '',
  utm_medium: '',
  utm_campaign: '',
  utm_term: '',
  utm_content: '',
  session_id: '',
  timezone: '',
  country: '',
  user_agent: '',
  value: 0,
  event_id: '',
  ip: '',
  properties: {},
  props: {},
};

describe('Event', () => {
  it('has the fields of EVENT_SPECS, no more and no fewer', () => {
    expectTypeOf<keyof Event>().toEqualTypeOf<EventFieldName>();
    expect(Object.keys(EVERY_FIELD).sort()).toEqual(EVENT_SPECS.map((f) => f.name).sort());
  });
});
