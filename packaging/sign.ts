/**
 * Signing with Grafana's own tool. A signature is a MANIFEST.txt listing a
 * hash of every file in the plugin directory, signed by Grafana.com for the
 * access policy token's org; it has to be made after the directory is
 * complete and before it is zipped, which is why `package` runs it.
 */
import { spawn } from "node:child_process";

export const ACCESS_POLICY_TOKEN_ENV = "GRAFANA_ACCESS_POLICY_TOKEN";

/** Signs a directory in place (writes MANIFEST.txt into it). */
export type Signer = (pluginDir: string) => Promise<void>;

export interface SignOptions {
  /** Private signature: the Grafana URLs the plugin may run on; omitted for a public plugin. */
  rootUrls?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * A Signer running `npx @grafana/sign-plugin@latest --distDir DIR`. Throws
 * at once when the token is missing, before anything is built.
 */
export function grafanaSigner(options: SignOptions = {}): Signer {
  const env = options.env ?? process.env;
  if (!env[ACCESS_POLICY_TOKEN_ENV])
    throw new Error(
      `--sign needs ${ACCESS_POLICY_TOKEN_ENV}: a Grafana Cloud access policy token with the ` +
        `plugins:write scope (see docs/packaging.md)`,
    );
  return (pluginDir) => {
    const args = ["--yes", "@grafana/sign-plugin@latest", "--distDir", pluginDir];
    if (options.rootUrls?.length) args.push("--rootUrls", options.rootUrls.join(","));
    return new Promise((resolve, reject) => {
      // Its output goes to our stderr: the user wants to see what Grafana.com answered.
      const child = spawn("npx", args, { env, stdio: ["ignore", 2, 2] });
      child.once("error", (error) =>
        reject(new Error(`npx @grafana/sign-plugin: ${error.message}`)),
      );
      child.once("exit", (code) =>
        code === 0
          ? resolve()
          : reject(
              new Error(`npx @grafana/sign-plugin exited with code ${code}; nothing was written`),
            ),
      );
    });
  };
}
