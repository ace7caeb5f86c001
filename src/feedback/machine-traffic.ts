/**
 * Is an open or a click a machine's rather than a person's? Privacy proxies fetch every image
 * (Apple Mail Privacy Protection, Google Image Proxy, Yahoo), and security scanners prefetch every
 * link (Microsoft Defender Safe Links, Mimecast, Proofpoint, Barracuda…). Flagged events are still
 * recorded, but they never count as human engagement in the model. A heuristic, documented as such:
 * the signals are the user agent, a HEAD request, and a fetch within seconds of sending.
 */

export interface TrafficSignals {
  userAgent: string | undefined;
  method: string;
  /** Milliseconds between the send and this request, when the send time is known. */
  sinceSentMs?: number;
}

export interface MachineVerdict {
  machine: boolean;
  reason: string | null;
}

/** Opens or clicks sooner than this after sending are treated as prefetches. */
export const PREFETCH_WINDOW_MS = 10_000;

const AGENTS: readonly [RegExp, string][] = [
  [/GoogleImageProxy|ggpht\.com/i, 'google-image-proxy'],
  [/YahooMailProxy/i, 'yahoo-mail-proxy'],
  [/^Mozilla\/5\.0$/, 'apple-mail-privacy-protection'],
  [/Barracuda|Mimecast|Proofpoint|Forcepoint|Symantec|Sophos|TrendMicro|FireEye/i, 'security-scanner'],
  [/Microsoft Office|MSOffice|BingPreview|Safe ?Links/i, 'security-scanner'],
  [
    /bot\b|crawler|spider|preview|python-requests|curl\/|wget|Go-http-client|okhttp|axios/i,
    'automated-client',
  ],
];

export function classifyTraffic(signals: TrafficSignals): MachineVerdict {
  if (signals.method.toUpperCase() === 'HEAD') return { machine: true, reason: 'head-request' };
  const ua = (signals.userAgent ?? '').trim();
  if (ua === '') return { machine: true, reason: 'no-user-agent' };
  for (const [pattern, reason] of AGENTS) if (pattern.test(ua)) return { machine: true, reason };
  if (
    signals.sinceSentMs !== undefined &&
    signals.sinceSentMs >= 0 &&
    signals.sinceSentMs < PREFETCH_WINDOW_MS
  ) {
    return { machine: true, reason: 'within-seconds-of-sending' };
  }
  return { machine: false, reason: null };
}
