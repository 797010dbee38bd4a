/**
 * Replacing a fetch Response's body (the response limit counts it). A Response's body cannot
 * be swapped in place, so this builds a new one with the same status and
 * headers, and keeps the URL and redirect flag a constructed one would lose.
 */
import type { Response } from "undici";
import { loadUndici } from "./undici.js";

export async function withBody(
  response: Response,
  body: ReadableStream<Uint8Array>,
): Promise<Response> {
  const { Response } = await loadUndici();
  const replaced = new Response(body as ConstructorParameters<typeof Response>[0], {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperties(replaced, {
    url: { value: response.url },
    redirected: { value: response.redirected },
  });
  return replaced;
}
