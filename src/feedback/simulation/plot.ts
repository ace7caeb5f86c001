import type { PolicyName, SimulationResult } from './simulate.ts';
import { POLICIES } from './simulate.ts';

/**
 * The response rate per week of each policy as a small standalone SVG line chart, and as a text
 * table for the terminal. Written by hand (≈50 lines): four polylines and two axes do not warrant a
 * charting library, and the SVG must render without scripts or network.
 */

const COLOURS: Record<PolicyName, string> = {
  learning: '#1b7f3b',
  static: '#1f5fbf',
  random: '#888888',
  'segment-oracle': '#e67e22',
  oracle: '#c0392b',
};

/** A simulation's success rate per week and policy as an SVG chart. */
export function simulationSvg(result: SimulationResult): string {
  const width = 640;
  const height = 360;
  const pad = { left: 56, right: 120, top: 24, bottom: 40 };
  const weeks = result.weeks.length;
  const maxRate = Math.max(0.01, ...result.weeks.flatMap((w) => POLICIES.map((p) => w.policies[p].rate)));
  const top = Math.ceil(maxRate * 50) / 50;
  const x = (i: number) => pad.left + (weeks <= 1 ? 0 : (i / (weeks - 1)) * (width - pad.left - pad.right));
  const y = (r: number) => height - pad.bottom - (r / top) * (height - pad.top - pad.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>Response rate per week: ${POLICIES.join(', ')}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${pad.left}" y="14" font-size="12">Response rate per week (${result.customers} customers offered)</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const r = (top * t) / 4;
    parts.push(
      `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(r)}" y2="${y(r)}" stroke="#eee"/>`,
      `<text x="${pad.left - 6}" y="${y(r) + 4}" text-anchor="end">${(r * 100).toFixed(1)} %</text>`,
    );
  }
  result.weeks.forEach((w, i) => {
    parts.push(`<text x="${x(i)}" y="${height - pad.bottom + 16}" text-anchor="middle">${w.week}</text>`);
  });
  parts.push(
    `<text x="${(width - pad.right + pad.left) / 2}" y="${height - 6}" text-anchor="middle">week</text>`,
  );
  POLICIES.forEach((p, k) => {
    const points = result.weeks
      .map((w, i) => `${x(i).toFixed(1)},${y(w.policies[p].rate).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<polyline fill="none" stroke="${COLOURS[p]}" stroke-width="2" points="${points}"/>`,
      `<text x="${width - pad.right + 10}" y="${pad.top + 16 * k + 10}" fill="${COLOURS[p]}">${p}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** A simulation's success rate per week and policy as a text table. */
export function simulationTable(result: SimulationResult): string {
  const pct = (r: number, p: string) => `${(r * 100).toFixed(1)} %`.padStart(Math.max(8, p.length));
  const lines = [`week  customers ${POLICIES.map((p) => p.padStart(8)).join(' ')}`];
  for (const w of result.weeks) {
    lines.push(
      `${String(w.week).padStart(4)}  ${String(w.customers).padStart(9)} ${POLICIES.map((p) => pct(w.policies[p].rate, p)).join(' ')}`,
    );
  }
  lines.push(
    `${'all'.padStart(4)}  ${String(result.customers).padStart(9)} ${POLICIES.map((p) => pct(result.totals[p].rate, p)).join(' ')}`,
  );
  const t = result.learningVsStatic;
  lines.push(
    `learning vs static (weeks ${t.weeks}): ${t.difference >= 0 ? '+' : ''}${(t.difference * 100).toFixed(2)} points, z = ${t.z.toFixed(2)}, p = ${t.pValue < 1e-4 ? '< 0.0001' : t.pValue.toFixed(4)}`,
  );
  lines.push(
    `static → segment-oracle gap closed by learning in the last week: ${(result.gapClosedLastWeek * 100).toFixed(0)} %`,
  );
  return `${lines.join('\n')}\n`;
}

/** The result without the bulky parts (logs, customers, the model's maps) for JSON output. */
export function simulationJson(result: SimulationResult): Record<string, unknown> {
  const { logs: _logs, cohort: _cohort, finalModel, ...rest } = result;
  return { ...rest, finalModelVersion: finalModel.version };
}
