/**
 * `GET /api/v1/report.html`: the report as the standalone HTML file of `stint report --html`, to
 * download from the dashboard. Same parameters, credentials and refusals as `/api/v1/report`;
 * answered as an attachment (`stint-report-shop-2026-10-01-2026-10-31.html`) under a policy
 * that lets only the report's own two scripts run.
 *
 *   registerReportHtmlRoute(app, { readSite });
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_SPELLING, QUERIES, runAnalysis } from '../../analysis/catalog.ts';
import type { Report } from '../../analysis/report.ts';
import { REPORT_HTML_ROUTE } from '../../api/routes.ts';
import { localDayNumber } from '../../core/zone.ts';
import { htmlReportCsp, renderHtmlReport } from '../../report/html.ts';
import { queryText } from '../request.ts';
import { entryRequest, type QueryRouteDeps, queryStringSchema } from './query.ts';

const DAY_MS = 86_400_000;

export function registerReportHtmlRoute(app: FastifyInstance, deps: QueryRouteDeps): void {
  const entry = QUERIES.report;
  const read = entryRequest(entry, deps);
  app.get(
    REPORT_HTML_ROUTE.path,
    { schema: { querystring: queryStringSchema(entry) }, attachValidation: true },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const { site, planned } = await read(req, reply);
      const report = await runAnalysis(entry, site.store, planned, API_SPELLING);
      const name = site.name ?? queryText(req, 'site') ?? 'site';
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', htmlReportCsp())
        .header('content-disposition', `attachment; filename="${reportFileName(name, report)}"`)
        .send(renderHtmlReport(report, `stint report: ${name}`));
    },
  );
}

/**
 * `stint-report-SITE-FROM-TO.html`: the first and last day of the period in its zone (the last
 * day is the one before the exclusive end); `stint-report-SITE.html` when there are no sessions.
 */
export function reportFileName(site: string, report: Pick<Report, 'range' | 'tz'>): string {
  const safe = site.replace(/[^A-Za-z0-9_.-]/g, '_');
  const { from, to } = report.range;
  if (from === null || to === null) return `stint-report-${safe}.html`;
  const day = (ms: number) => new Date(localDayNumber(ms, report.tz) * DAY_MS).toISOString().slice(0, 10);
  const first = day(Date.parse(from));
  const last = day(Math.max(Date.parse(from), Date.parse(to) - 1));
  return `stint-report-${safe}-${first}-${last}.html`;
}
