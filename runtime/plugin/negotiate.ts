/**
 * Protocol version negotiation, as go-plugin does it: the highest version the
 * plugin serves that the host also lists in PLUGIN_PROTOCOL_VERSIONS. Unlike
 * go-plugin (which silently falls back to its lowest version and lets the host
 * fail), a plugin with no version in common stops with a message naming both
 * lists — the most common upgrade mistake, made obvious.
 */
export class NegotiationError extends Error {
  override name = "NegotiationError";
}

/** Parses "1, 2,3" → [1, 2, 3]; entries that are not integers are reported, not ignored. */
export function parseVersionList(value: string): number[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      if (!/^\d+$/.test(s))
        throw new NegotiationError(
          `PLUGIN_PROTOCOL_VERSIONS has a non-numeric entry "${s}" (in "${value}")`,
        );
      return Number(s);
    });
}

/**
 * @param served the versions this plugin has handlers for
 * @param hostList PLUGIN_PROTOCOL_VERSIONS, or undefined for an old host that does not send it
 */
export function negotiateVersion(served: number[], hostList: string | undefined): number {
  if (served.length === 0)
    throw new NegotiationError("the plugin serves no protocol version (no handlers given)");
  const ours = [...served].sort((a, b) => b - a);
  if (hostList === undefined || hostList.trim() === "") return ours[0];
  const theirs = parseVersionList(hostList);
  const match = ours.find((v) => theirs.includes(v));
  if (match === undefined)
    throw new NegotiationError(
      `no protocol version in common: the host supports ${theirs.join(", ")} (PLUGIN_PROTOCOL_VERSIONS="${hostList}"), this plugin serves ${ours.join(", ")}`,
    );
  return match;
}
