/**
 * The `grpc-timeout` request header: at most 8 digits and a unit
 * (H, M, S, m, u, n). Parsed as grpc-go does, anchored: "1.5S" or nine
 * digits are malformed, not read as "5S" (grpc-js's unanchored pattern does).
 */
const TIMEOUT = /^(\d{1,8})([HMSmun])$/;

const MILLIS_PER_UNIT: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** Milliseconds, or undefined when the header is malformed. */
export function parseGrpcTimeout(header: string): number | undefined {
  const match = TIMEOUT.exec(header);
  if (!match) return undefined;
  return Number(match[1]) * MILLIS_PER_UNIT[match[2]!]!;
}
