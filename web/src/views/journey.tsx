/**
 * One session's journey (`/sessions/ID`): what the session says about the visit (start, length,
 * source, device…), then a timeline of its events with the time spent on each page. Every
 * tracked string (URL, referrer, property, user id) is shown as text.
 */
import type { SessionResponse } from '../../../src/api/types.ts';
import { useApi } from '../api.ts';
import { Card } from '../components/card.tsx';
import { Loaded } from '../components/states.tsx';
import { countryLabel, formatDuration } from '../format.ts';
import { linkTo } from '../router.ts';
import type { ViewProps } from './index.ts';
import { type JourneyEvent, timeline } from './journey-model.ts';
import { dateTime, text, timeOfDay } from './session-text.ts';

export function Journey({ id, query }: ViewProps & { id: string }) {
  const state = useApi<SessionResponse>(
    `/api/v1/sessions/${encodeURIComponent(id)}`,
    query.site === undefined ? {} : { site: query.site },
  );
  return (
    <div class="view journey">
      <p>
        <a class="back-link" {...linkTo({ rest: [] })}>
          ← All sessions
        </a>
      </p>
      <Loaded state={state} what="this session">
        {(data) => (
          <>
            <Summary session={data.session} tz={query.tz} />
            <Card title={`Journey: ${data.events.length} events`} wide>
              <Timeline events={data.events as unknown as JourneyEvent[]} tz={query.tz} />
            </Card>
          </>
        )}
      </Loaded>
    </div>
  );
}

function Summary({ session: s, tz }: { session: SessionResponse['session']; tz: string }) {
  const fields: [string, string][] = [
    ['Start', dateTime(s.start, tz, true)],
    ['Duration', formatDuration(Number(s.duration_s ?? 0))],
    ['Pages', String(s.pageviews)],
    ['Events', String(s.events)],
    ['Entry page', text(s.entry_page)],
    ['Exit page', text(s.exit_page)],
    ['Source', text(s.source) || '(direct)'],
    ['Channel', text(s.channel)],
    ['Referrer', text(s.referrer)],
    ['Campaign', [text(s.medium), text(s.campaign)].filter((x) => x !== '').join(' · ')],
    ['Country', countryLabel(text(s.country))],
    ['Time zone', text(s.timezone)],
    ['Device', [text(s.device_type), text(s.browser), text(s.os)].filter((x) => x !== '').join(' · ')],
    ['User id', text(s.user_id)],
    ['Value', Number(s.value ?? 0) === 0 ? '' : String(s.value)],
    ['Conversions', Number(s.conversions ?? 0) === 0 ? '' : String(s.conversions)],
    ['Bounce', s.bounce === true || s.bounce === 1 ? 'yes' : 'no'],
    ['Ended by', text(s.end_reason)],
  ];
  return (
    <Card title="Session" wide>
      <dl class="facts">
        {fields
          .filter(([, v]) => v !== '')
          .map(([k, v]) => (
            <div key={k} class="fact">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
    </Card>
  );
}

function Timeline({ events, tz }: { events: JourneyEvent[]; tz: string }) {
  const steps = timeline(events);
  const longest = Math.max(1, ...steps.map((s) => s.spentMs ?? 0));
  return (
    <ol class="timeline">
      {steps.map((s, i) => {
        const e = s.event;
        const props = Object.entries((e.properties as Record<string, unknown> | null) ?? {});
        return (
          <li key={i} class={s.page ? 'step step-page' : 'step step-event'}>
            <span class="step-time mono">{timeOfDay(e.timestamp, tz)}</span>
            <div class="step-body">
              <div class="step-head">
                <span class={s.page ? 'step-name' : 'step-name step-name-event'}>
                  {s.page ? 'Page' : text(e.event)}
                </span>
                <span class="step-path">{text(e.path) || text(e.url)}</span>
                {s.page ? (
                  <span
                    class="step-spent"
                    title={s.spentFrom === null ? '' : `measured by the ${s.spentFrom}`}
                  >
                    {s.spentMs === null ? 'time unknown' : formatDuration(s.spentMs / 1000)}
                  </span>
                ) : (
                  <span class="step-offset mono">+{formatDuration(s.offsetMs / 1000)}</span>
                )}
              </div>
              {s.page && s.spentMs !== null ? (
                <span class="spent-bar" style={{ width: `${Math.max(2, (s.spentMs / longest) * 100)}%` }} />
              ) : null}
              {/* The whole URL when it says more than the path (a query, a fragment, another host). */}
              {urlSaysMore(text(e.url), text(e.path)) ? (
                <div class="step-detail">
                  <span class="muted">URL </span>
                  <span class="break">{text(e.url)}</span>
                </div>
              ) : null}
              {text(e.referrer) === '' ? null : (
                <div class="step-detail">
                  <span class="muted">Referrer </span>
                  <span class="break">{text(e.referrer)}</span>
                </div>
              )}
              {props.length === 0 ? null : (
                <div class="step-detail props">
                  {props.map(([k, v]) => (
                    <span key={k} class="prop">
                      <span class="muted">{k}</span> {text(v)}
                    </span>
                  ))}
                </div>
              )}
              {Number(e.value ?? 0) === 0 ? null : (
                <div class="step-detail">
                  <span class="muted">Value </span>
                  {String(e.value)}
                </div>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function urlSaysMore(url: string, path: string): boolean {
  if (url === '' || url === path) return false;
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}${u.hash}` !== path;
  } catch {
    return true;
  }
}
